# shellcheck shell=bash
# Berth's own catalogs (berth_registry, berth_provisioner, berth_backup, berth_gateway) as catalog-backup.sh dumps
# them: read back by upgrade.sh's rollback and by restore-host.sh. Needs common.sh.

# shellcheck disable=SC2034  # read by the scripts that source this
BERTH_CATALOG_ROOT=/var/backups/berth/catalogs

# Runs a PostgreSQL client tool (psql, pg_dump, pg_dumpall, pg_restore) on the server holding Berth's catalogs: the
# local cluster as postgres over its socket or, on an install with --external-postgres (/etc/berth/postgres.env says
# so), that server as berth_admin (a superuser the installer made there) over TCP, its password in the environment of
# the tool only, never on a command line.
catalog_client() {
    local tool=$1 env=${BERTH_PG_ENV:-/etc/berth/postgres.env}
    shift
    if [ -r "$env" ] && grep -qx 'BERTH_PG_EXTERNAL=yes' "$env"; then
        PGPASSWORD=$(cat "${BERTH_SECRETS_DIR:-/etc/berth/secrets}/berth_admin.password") PGSSLMODE=$(sed -n 's/^BERTH_PG_SSLMODE=//p' "$env") \
            "$tool" -h "$(sed -n 's/^BERTH_PG_HOST=//p' "$env")" -p "$(sed -n 's/^BERTH_PG_PORT=//p' "$env")" \
            -U berth_admin "$@"
    else
        # The port: the caller's BERTH_PG_PORT, else the one the install recorded (the hourly timer has no
        # environment of its own), else PostgreSQL's default.
        local port=${BERTH_PG_PORT:-}
        if [ -z "$port" ] && [ -r "$env" ]; then port=$(sed -n 's/^BERTH_PG_PORT=//p' "$env"); fi
        runuser -u postgres -- "$tool" -p "${port:-5432}" "$@"
    fi
}

# The catalog server's system identifier: initdb makes a new one, so it tells the lost cluster's dumps from the new
# one's.
cluster_id() {
    catalog_client psql -X -A -t -d postgres -c 'SELECT system_identifier FROM pg_control_system()'
}

# Replaces the four catalogs with the dumps in DIR (the services must be stopped). Each in one transaction, so a
# dump that fails to restore leaves its catalog as it was.
restore_catalogs() {
    local dir=$1 svc
    for svc in registry provisioner backup gateway; do
        [ -s "$dir/berth_$svc.dump" ] || die "$dir/berth_$svc.dump is missing: not a catalog dump directory"
    done
    for svc in registry provisioner backup gateway; do
        # Read by root (the dumps are 0600 berth) and streamed to pg_restore running as postgres.
        act catalog_client pg_restore --clean --if-exists --single-transaction --exit-on-error -d "berth_$svc" \
            <"$dir/berth_$svc.dump"
    done
}
