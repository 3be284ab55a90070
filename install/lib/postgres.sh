# shellcheck shell=bash
# PostgreSQL: the distribution's server with its data on the data disk, hardened and sized for this host, or an
# external server the operator names. Either way Berth's roles and its four catalog databases are made here.
#
# Hardening (STIG-aligned, docs/runbooks/install.md): listens on localhost and the berth-data bridge's gateway only,
# scram-sha-256 passwords, SSL on, connections/disconnections/DDL logged, and a pg_hba.conf without a single trust
# line: peer for the postgres OS user (and PgBouncer's lookup role, mapped from it), scram for everyone else.

BERTH_PG_PORT=${BERTH_PG_PORT:-5432}
BERTH_PG_CLUSTER=berth
BERTH_BRIDGE_GATEWAY=${BERTH_BRIDGE_GATEWAY:-172.30.0.1}
BERTH_BRIDGE_SUBNET=${BERTH_BRIDGE_SUBNET:-172.30.0.0/16}
BERTH_SERVICE_ROLES=(registry provisioner backup gateway)

# The newest installed server's major version (15 or newer), empty when none.
pg_version() {
    local dir version best=""
    if [ "${BERTH_PKG:-apt}" = dnf ]; then
        version=$(/usr/bin/postgres --version 2>/dev/null | grep -o '[0-9][0-9]*' | head -1 || true)
        [ -n "$version" ] && [ "$version" -ge 15 ] && echo "$version"
        return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/postgres" ] || continue
        version=${dir#/usr/lib/postgresql/}
        version=${version%/bin}
        [ "$version" -ge 15 ] 2>/dev/null && { [ -z "$best" ] || [ "$version" -gt "$best" ]; } && best=$version
    done
    echo "$best"
}

install_postgres_packages() {
    if [ "$BERTH_PKG" = apt ]; then
        # Debian makes a "main" cluster on the boot disk when the server is installed: Berth makes its own instead.
        put_file /etc/postgresql-common/createcluster.d/berth.conf 0644 root:root <<<"create_main_cluster = false"
        # A server of 15 or newer that is already installed (any packaging of it) will do.
        if [ -z "$(pg_version)" ]; then install_packages postgresql; fi
        command -v psql >/dev/null || install_packages postgresql-client
    else
        install_packages postgresql-server postgresql openssl policycoreutils-python-utils
    fi
}

# postgresql.conf settings for this host: memory from its RAM (a quarter for shared_buffers, three quarters as the
# planner's cache estimate), then the security settings.
postgres_settings() {
    local data_dir=$1 ssl_dir=$2 mib
    mib=$(memory_mib)
    local shared=$((mib / 4)) cache=$((mib * 3 / 4)) maintenance=$((mib / 16))
    [ "$shared" -gt 8192 ] && shared=8192
    [ "$maintenance" -gt 2048 ] && maintenance=2048
    [ "$maintenance" -lt 64 ] && maintenance=64
    cat <<EOF
# Written by Berth's installer (install/lib/postgres.sh) for a host with ${mib} MiB; a rerun rewrites it.
listen_addresses = 'localhost,$BERTH_BRIDGE_GATEWAY'
port = $BERTH_PG_PORT
max_connections = 200
shared_buffers = ${shared}MB
effective_cache_size = ${cache}MB
maintenance_work_mem = ${maintenance}MB
work_mem = 8MB
checkpoint_completion_target = 0.9
wal_buffers = 16MB
random_page_cost = 1.1
effective_io_concurrency = 200

password_encryption = scram-sha-256
ssl = on
ssl_cert_file = '$ssl_dir/server.crt'
ssl_key_file = '$ssl_dir/server.key'
ssl_min_protocol_version = 'TLSv1.2'
log_connections = on
log_disconnections = on
log_statement = 'ddl'
log_line_prefix = '%m [%p] %q%u@%d '
unix_socket_permissions = 0770
EOF
    [ -n "$data_dir" ] && echo "data_directory = '$data_dir'"
    true
}

postgres_hba() {
    cat <<EOF
# Written by Berth's installer. No trust line: peer for the postgres OS user (and PgBouncer's lookup role, which
# PgBouncer, running as postgres, uses over the socket), scram-sha-256 for every other login.
# TYPE  DATABASE  USER             ADDRESS            METHOD
local   all       postgres                            peer
local   all       berth_pgbouncer                     peer map=pgbouncer
local   all       all                                 scram-sha-256
host    all       all              127.0.0.1/32       scram-sha-256
host    all       all              ::1/128            scram-sha-256
host    all       all              $BERTH_BRIDGE_SUBNET     scram-sha-256
EOF
}

# A self-signed certificate for this host, or the operator's (--ssl-cert/--ssl-key), in DIR (key 0600 postgres).
postgres_certificate() {
    local dir=$1
    put_dir "$dir" 0750 postgres:postgres
    if [ -n "${BERTH_SSL_CERT:-}" ]; then
        if [ ! -r "$BERTH_SSL_CERT" ] || [ ! -r "$BERTH_SSL_KEY" ]; then
            die "--ssl-cert/--ssl-key: cannot read both files"
        fi
        put_file "$dir/server.crt" 0644 postgres:postgres <"$BERTH_SSL_CERT"
        put_file "$dir/server.key" 0600 postgres:postgres <"$BERTH_SSL_KEY"
        return
    fi
    [ -s "$dir/server.crt" ] && [ -s "$dir/server.key" ] && return
    changed
    if dry; then
        echo "would make a self-signed certificate: $dir/server.crt (key 0600 postgres)"
        return
    fi
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$(hostname -f 2>/dev/null || hostname)" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:$BERTH_BRIDGE_GATEWAY" \
        -keyout "$dir/server.key" -out "$dir/server.crt" 2>/dev/null)
    chmod 0644 "$dir/server.crt"
    chown postgres:postgres "$dir/server.crt" "$dir/server.key"
    echo "made a self-signed certificate: $dir/server.crt"
}

# The server itself (Debian/Ubuntu: a cluster "berth" under the data disk; RHEL: the distribution's unit with PGDATA
# there and the SELinux context for it).
setup_local_postgres() {
    local data=$1 version ssl_dir=/etc/berth/postgresql restart=0
    install_postgres_packages
    version=$(pg_version)
    if [ -z "$version" ]; then
        dry || die "no PostgreSQL 15 or newer after installing the packages"
        version=15
        say "dry run: assuming PostgreSQL $version (not installed yet)"
    fi
    postgres_certificate "$ssl_dir"
    if [ "$BERTH_PKG" = apt ]; then
        local conf=/etc/postgresql/$version/$BERTH_PG_CLUSTER dir=$data/postgresql/$version/$BERTH_PG_CLUSTER
        put_dir "$data/postgresql" 0750 postgres:postgres
        if [ -d "$conf" ] && [ ! -e "$dir/PG_VERSION" ] && ! dry; then
            # Settings without data: the data disk was replaced (docs/runbooks/04-lost-data-disk.md). A new cluster;
            # the old settings are kept aside, not reused blindly.
            local aside
            # Out of /etc/postgresql: pg_lsclusters would take any directory there for a cluster.
            aside=/etc/berth/postgresql/settings-lost-$(date -u +%Y%m%dT%H%M%SZ)
            warn "cluster $version/$BERTH_PG_CLUSTER has settings but no data in $dir: making a new, empty cluster" \
                "(the old settings are kept in $aside; restore-host.sh brings the catalogs and databases back)"
            act mv "$conf" "$aside"
        fi
        if [ ! -d "$conf" ]; then
            if [ -n "$(pg_lsclusters -h 2>/dev/null | awk -v p="$BERTH_PG_PORT" '$3 == p')" ]; then
                die "another PostgreSQL cluster uses port $BERTH_PG_PORT ($(pg_lsclusters -h | awk -v p="$BERTH_PG_PORT" \
                    '$3 == p {print $1 "/" $2}')): stop it, or use --external-postgres"
            fi
            act pg_createcluster --port "$BERTH_PG_PORT" --datadir "$dir" --start-conf auto "$version" \
                "$BERTH_PG_CLUSTER" -- --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --data-checksums
        fi
        postgres_settings "" "$ssl_dir" | put_file "$conf/conf.d/berth.conf" 0644 postgres:postgres
        [ "$PUT_CHANGED" = 1 ] && restart=1
        postgres_hba | put_file "$conf/pg_hba.conf" 0640 postgres:postgres
        [ "$PUT_CHANGED" = 1 ] && restart=1
        printf '# MAPNAME  SYSTEM-USERNAME  PG-USERNAME\npgbouncer  postgres  berth_pgbouncer\n' \
            | put_file "$conf/pg_ident.conf" 0640 postgres:postgres
        [ "$PUT_CHANGED" = 1 ] && restart=1
        BERTH_PG_UNIT=postgresql@$version-$BERTH_PG_CLUSTER
        postgres_requires_data "$BERTH_PG_UNIT" "$dir"
    else
        local dir=$data/postgresql/data
        put_dir "$data/postgresql" 0700 postgres:postgres
        printf '[Service]\nEnvironment=PGDATA=%s\n' "$dir" \
            | put_file /etc/systemd/system/postgresql.service.d/berth.conf 0644 root:root
        if [ "$PUT_CHANGED" = 1 ]; then act systemctl daemon-reload; fi
        act semanage fcontext -a -t postgresql_db_t "$data/postgresql(/.*)?"
        act restorecon -R "$data/postgresql"
        [ -f "$dir/PG_VERSION" ] || act env PGSETUP_INITDB_OPTIONS="--auth-local=peer --auth-host=scram-sha-256 --data-checksums" \
            postgresql-setup --initdb
        postgres_settings "" "$ssl_dir" | put_file "$dir/conf.d/berth.conf" 0600 postgres:postgres
        [ "$PUT_CHANGED" = 1 ] && restart=1
        grep -q "^include_dir = 'conf.d'" "$dir/postgresql.conf" 2>/dev/null \
            || act sh -c "echo \"include_dir = 'conf.d'\" >> $dir/postgresql.conf"
        postgres_hba | put_file "$dir/pg_hba.conf" 0600 postgres:postgres
        printf 'pgbouncer  postgres  berth_pgbouncer\n' | put_file "$dir/pg_ident.conf" 0600 postgres:postgres
        BERTH_PG_UNIT=postgresql
        postgres_requires_data "$BERTH_PG_UNIT" "$dir"
    fi
    # PostgreSQL binds the bridge's gateway address before Podman brings the bridge up (at the first container).
    printf 'net.ipv4.ip_nonlocal_bind = 1\n' | put_file /etc/sysctl.d/60-berth.conf 0644 root:root
    if [ "$PUT_CHANGED" = 1 ]; then act sysctl -q -p /etc/sysctl.d/60-berth.conf; fi
    ensure_running "$BERTH_PG_UNIT" "$restart"
    dry || await_postgres
}

# PostgreSQL starts only once its data directory's filesystem is mounted: with the data disk missing it fails
# instead of running on an empty directory of the boot disk.
postgres_requires_data() {
    local unit=$1 dir=$2
    printf '[Unit]\nRequiresMountsFor=%s\n' "$dir" | put_file "/etc/systemd/system/$unit.service.d/berth.conf" 0644 root:root
    if [ "$PUT_CHANGED" = 1 ]; then act systemctl daemon-reload; fi
}

await_postgres() {
    local _
    for _ in $(seq 1 60); do
        runuser -u postgres -- psql -p "$BERTH_PG_PORT" -XAtqc 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    die "PostgreSQL did not start; see journalctl -u $BERTH_PG_UNIT"
}

# Runs SQL from stdin as the server's superuser (peer over the socket, locally; the external admin otherwise).
# Secrets reach it as psql variables read from their files by psql itself (\set x `cat FILE`), never as arguments.
psql_admin() {
    if [ -n "${BERTH_EXTERNAL_PG:-}" ]; then
        # The URL's parts as libpq's variables (setup_external_postgres parsed them), so that a caller's -d works.
        PGPASSWORD=${BERTH_EXTERNAL_PG_PASSWORD:-$(secret "$BERTH_EXTERNAL_PG_PASSWORD_FILE")} PGHOST=$BERTH_EXTERNAL_HOST PGPORT=$BERTH_EXTERNAL_PORT \
            PGUSER=$BERTH_EXTERNAL_USER PGDATABASE=$BERTH_EXTERNAL_DB PGSSLMODE=$BERTH_EXTERNAL_SSLMODE \
            psql -X -q -v ON_ERROR_STOP=1 "$@"
    else
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$BERTH_PG_PORT" "$@"
    fi
}

# One login role per service owning its catalog database, berth_admin (the provisioner's and backup's admin on
# this instance), and PgBouncer's roles. Passwords in /etc/berth/secrets (0600), made once. They reach psql on its
# standard input as psql variables (never as arguments), in a session that does not log statements (log_statement is
# ddl on this server, and CREATE ROLE … PASSWORD is DDL). A role whose password no longer opens it (a restored
# cluster, an edited secret) gets the password again.
BERTH_ROLES=(registry provisioner backup gateway admin pgbouncer_stats)

role_database() {
    case "$1" in admin | pgbouncer_stats) echo postgres ;; *) echo "berth_$1" ;; esac
}

role_opens() {
    local role=$1 host=127.0.0.1 port=$BERTH_PG_PORT
    if [ -n "${BERTH_EXTERNAL_PG:-}" ]; then
        host=$DB_HOST
        port=$DB_PORT
    fi
    PGPASSWORD=$(secret "/etc/berth/secrets/berth_$role.password") PGCONNECT_TIMEOUT=10 \
        psql -XAtq -h "$host" -p "$port" -U "berth_$role" -d "$(role_database "$role")" -c 'SELECT 1' >/dev/null 2>&1
}

setup_berth_roles() {
    local secrets=/etc/berth/secrets role made
    put_dir "$secrets" 0700 berth:berth
    for role in "${BERTH_ROLES[@]}"; do
        ensure_secret "$secrets/berth_$role.password" berth:berth
    done
    if dry; then
        echo "would create roles berth_{registry,provisioner,backup,gateway,admin,pgbouncer,pgbouncer_stats}" \
            "and databases berth_{registry,provisioner,backup,gateway}"
        changed
        return
    fi
    made=$(
        {
            echo "SET log_statement = 'none';"
            for role in "${BERTH_ROLES[@]}"; do
                printf '\\set pw %s\n' "$(secret "$secrets/berth_$role.password")"
                echo "SELECT 'made role berth_$role' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'berth_$role');"
                echo "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', 'berth_$role', :'pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'berth_$role') \\gexec"
            done
            echo "SELECT 'ALTER ROLE berth_admin SUPERUSER' FROM pg_roles WHERE rolname = 'berth_admin' AND NOT rolsuper \\gexec"
            echo "SELECT 'CREATE ROLE berth_pgbouncer LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'berth_pgbouncer') \\gexec"
            for role in "${BERTH_SERVICE_ROLES[@]}"; do
                echo "SELECT 'made database berth_$role' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'berth_$role');"
                echo "SELECT 'CREATE DATABASE berth_$role OWNER berth_$role' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'berth_$role') \\gexec"
                echo "SELECT 'REVOKE ALL ON DATABASE berth_$role FROM PUBLIC' \\gexec"
            done
        } | psql_admin -At -d postgres | grep '^made ' || true
    )
    if [ -n "$made" ]; then
        changed
        printf '%s\n' "$made"
    fi
    for role in "${BERTH_ROLES[@]}"; do
        role_opens "$role" && continue
        changed
        {
            echo "SET log_statement = 'none';"
            printf '\\set pw %s\n' "$(secret "$secrets/berth_$role.password")"
            echo "SELECT format('ALTER ROLE %I PASSWORD %L', 'berth_$role', :'pw') \\gexec"
        } | psql_admin -d postgres >/dev/null
        echo "set the password of berth_$role again (it did not open the role)"
        role_opens "$role" || die "berth_$role cannot log in over TCP with its password; see pg_hba.conf and the server's log"
    done
}

# --external-postgres URL: the URL carries no password (it would be on this command line); the password comes from
# --external-postgres-password-file or is asked for. The connection is tested before anything is made.
setup_external_postgres() {
    local url=$1
    case "$url" in
        postgres://*:*@* | postgresql://*:*@*) die "--external-postgres: leave the password out of the URL; give it with --external-postgres-password-file FILE or at the prompt" ;;
        postgres://* | postgresql://*) ;;
        *) die "--external-postgres: a URL such as postgresql://admin@db.example.com:5432/postgres?sslmode=require" ;;
    esac
    # Any psql will do (a server's package brings postgresql-client-NN without the postgresql-client metapackage).
    command -v psql >/dev/null || install_packages postgresql-client
    if [ -z "${BERTH_EXTERNAL_PG_PASSWORD_FILE:-}" ]; then
        [ -t 0 ] || die "--external-postgres: no terminal to ask for the password on; use --external-postgres-password-file"
        # Kept in this shell only (not exported, never in a file): psql_admin hands it to psql as PGPASSWORD.
        read -r -s -p "Password for $url: " BERTH_EXTERNAL_PG_PASSWORD
        echo
    fi
    # postgresql://[user@]host[:port][/database][?sslmode=…]; a host in brackets is an IPv6 address.
    local pattern='^postgres(ql)?://(([^@/?]+)@)?(\[[^]/]+\]|[^:/?]+)(:([0-9]+))?(/([^?]*))?(\?(.*))?$'
    [[ $url =~ $pattern ]] || die "--external-postgres: cannot read $url; a URL such as postgresql://admin@db.example.com:5432/postgres?sslmode=require"
    BERTH_EXTERNAL_USER=${BASH_REMATCH[3]:-postgres}
    BERTH_EXTERNAL_HOST=${BASH_REMATCH[4]}
    BERTH_EXTERNAL_HOST=${BERTH_EXTERNAL_HOST#[}
    BERTH_EXTERNAL_HOST=${BERTH_EXTERNAL_HOST%]}
    BERTH_EXTERNAL_PORT=${BASH_REMATCH[6]:-5432}
    BERTH_EXTERNAL_DB=${BASH_REMATCH[8]:-postgres}
    BERTH_EXTERNAL_SSLMODE=$(sed -nE 's#(^|.*&)sslmode=([a-z-]+).*#\2#p' <<<"${BASH_REMATCH[10]}")
    BERTH_EXTERNAL_SSLMODE=${BERTH_EXTERNAL_SSLMODE:-prefer}
    BERTH_EXTERNAL_PG=$url
    local problem
    if ! problem=$(psql_admin -XAtc "SELECT CASE WHEN rolsuper THEN 'ok' ELSE 'not a superuser' END FROM pg_roles WHERE rolname = current_user" 2>&1); then
        die "cannot connect to $url: ${problem##*FATAL:  }"
    fi
    [ "$problem" = ok ] || die "$url: the user is $problem; Berth's admin must be a superuser (it creates roles and reads pg_authid for backups)"
    say "external PostgreSQL at $url: connected as a superuser"
}
