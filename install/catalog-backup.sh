#!/usr/bin/env bash
# Dumps what a restored host needs before any app database can be restored: Berth's four catalogs (which databases
# exist, the vault's sealed secrets, the backup records, users and keys of the gateway) and the globals (roles with
# their password verifiers), into /var/backups/berth/catalogs/<time>/ (0600 berth) on the boot disk, with the
# cluster's system identifier (cluster-id: restore-host.sh tells a lost cluster's dumps by it). Keeps the newest
# BERTH_CATALOG_KEEP (48). Run hourly by berth-catalog-backup.timer, at the end of an install, and before an upgrade.
# On an install with --external-postgres they are dumped from that server (lib/catalogs.sh, catalog_client).
#
# Usage: catalog-backup.sh [DIR]      (as root; DIR: where to write this one, default a new dated directory)
set -euo pipefail
# shellcheck source=lib/catalogs.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/catalogs.sh"
root=$BERTH_CATALOG_ROOT
dir=${1:-$root/$(date -u +%Y%m%dT%H%M%SZ)}
install -d -m 0700 -o berth -g berth /var/backups/berth "$root" "$dir"
catalog_client pg_dumpall --globals-only >"$dir/globals.sql"
cluster_id >"$dir/cluster-id"
for svc in registry provisioner backup gateway; do
    catalog_client pg_dump --format=custom -d "berth_$svc" >"$dir/berth_$svc.dump"
done
chown berth:berth "$dir"/*
chmod 0600 "$dir"/*
echo "catalogs and globals dumped into $dir ($(du -sh "$dir" | cut -f1))"
if [ -z "${1:-}" ]; then
    # Only the dated directories this script makes are pruned (an upgrade's own are kept with it).
    find "$root" -mindepth 1 -maxdepth 1 -type d -name '20*' | sort -r | tail -n +$((${BERTH_CATALOG_KEEP:-48} + 1)) \
        | xargs -r rm -rf
fi
