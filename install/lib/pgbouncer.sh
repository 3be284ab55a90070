# shellcheck shell=bash
# PgBouncer in transaction mode on 6432, in front of the local PostgreSQL.
#
# No userlist of app passwords: clients are checked with scram-sha-256 against the verifier PgBouncer looks up with
# auth_query, through berth_pgbouncer.lookup(), a SECURITY DEFINER function owned by the superuser that returns the
# verifier of one non-superuser login role and nothing else. PgBouncer logs in as berth_pgbouncer over the socket
# with peer authentication (it runs as the postgres OS user, mapped to that role in pg_ident.conf), so it holds no
# password either. Debian's PgBouncer 1.18 has no auth_dbname, so the lookup runs in the database the client asks
# for: the function lives in template1 (every database made afterwards inherits it) and the installer adds it to
# the databases that exist; the provisioner checks new databases for it (berth.pooler.*) and the reconciler reports
# those without it. The one entry in auth_file is berth_pgbouncer_stats, the provisioner's read-only view of
# SHOW POOLS / SHOW STATS, stored as its SCRAM verifier (PgBouncer checks the provisioner's password against it).

BERTH_POOLER_PORT=${BERTH_POOLER_PORT:-6432}
# Databases whose lookup function carries another comment get this version (a rerun after an upgrade of Berth).
BERTH_LOOKUP_VERSION=$(sed -n "s/^COMMENT ON FUNCTION .* IS '\(.*\)';\$/\1/p" "$BERTH_SRC/deploy/pgbouncer/lookup.sql")


pooler_function_sql() {
    cat "$BERTH_SRC/deploy/pgbouncer/lookup.sql"
}

pgbouncer_ini() {
    cat <<EOF
; Written by Berth's installer (install/lib/pgbouncer.sh); a rerun rewrites it.
[databases]
* = host=/var/run/postgresql port=$BERTH_PG_PORT auth_user=berth_pgbouncer

[pgbouncer]
listen_addr = 127.0.0.1,$BERTH_BRIDGE_GATEWAY
listen_port = $BERTH_POOLER_PORT
unix_socket_dir = /var/run/postgresql
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
auth_user = berth_pgbouncer
auth_query = SELECT usename, passwd FROM berth_pgbouncer.lookup(\$1)
stats_users = berth_pgbouncer_stats
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
min_pool_size = 0
reserve_pool_size = 5
server_round_robin = 1
ignore_startup_parameters = extra_float_digits,options,IntervalStyle
server_reset_query = DISCARD ALL
log_connections = 1
log_disconnections = 1
logfile = /var/log/postgresql/pgbouncer.log
pidfile = /var/run/postgresql/pgbouncer.pid
EOF
}

setup_pgbouncer() {
    local restart=0 verifier db
    install_packages pgbouncer
    dry && { echo "would install berth_pgbouncer.lookup() in template1 and every database"; changed; }
    if ! dry; then
        # Every database that takes connections, template1 included (later databases inherit it from there).
        for db in $(psql_admin -At -d postgres -c "SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'postgres'"); do
            if [ -z "$(psql_admin -At -d "$db" -c "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'berth_pgbouncer' AND p.proname = 'lookup' AND obj_description(p.oid, 'pg_proc') = '$BERTH_LOOKUP_VERSION'")" ]; then
                pooler_function_sql | psql_admin -d "$db" >/dev/null
                changed
                echo "installed berth_pgbouncer.lookup() in $db"
            fi
        done
        verifier=$(psql_admin -At -d postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'berth_pgbouncer_stats'")
        [[ "$verifier" == SCRAM-SHA-256* ]] || die "berth_pgbouncer_stats has no SCRAM verifier"
    fi
    printf '"berth_pgbouncer_stats" "%s"\n' "${verifier:-SCRAM-SHA-256\$…}" \
        | put_file /etc/pgbouncer/userlist.txt 0600 postgres:postgres
    [ "$PUT_CHANGED" = 1 ] && restart=1
    pgbouncer_ini | put_file /etc/pgbouncer/pgbouncer.ini 0640 postgres:postgres
    [ "$PUT_CHANGED" = 1 ] && restart=1
    ensure_running pgbouncer "$restart"
}
