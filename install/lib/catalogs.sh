# shellcheck shell=bash
# Berth's own catalogs (berth_registry, berth_provisioner, berth_backup, berth_gateway) as catalog-backup.sh dumps
# them: read back by upgrade.sh's rollback and by restore-host.sh. Needs common.sh.

# shellcheck disable=SC2034  # read by the scripts that source this
BERTH_CATALOG_ROOT=/var/backups/berth/catalogs

# The local cluster's system identifier: initdb makes a new one, so it tells the lost cluster's dumps from the new
# one's.
cluster_id() {
    runuser -u postgres -- psql -X -A -t -p "${BERTH_PG_PORT:-5432}" -d postgres \
        -c 'SELECT system_identifier FROM pg_control_system()'
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
        act runuser -u postgres -- pg_restore -p "${BERTH_PG_PORT:-5432}" --clean --if-exists --single-transaction \
            --exit-on-error -d "berth_$svc" <"$dir/berth_$svc.dump"
    done
}
