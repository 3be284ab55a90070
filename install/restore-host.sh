#!/usr/bin/env bash
# Brings an installed Berth back after its data disk was lost, from what the boot disk kept
# (docs/runbooks/04-lost-data-disk.md). Run it after install.sh has made a new, empty cluster on the new disk:
#   1. picks the newest catalog dump of the lost cluster (catalog-backup.sh, /var/backups/berth/catalogs), or DIR;
#   2. stops the services, applies the globals (every role with its password verifier, so apps keep their
#      passwords) and restores the four catalogs (which databases exist, the vault's sealed secrets, the backup
#      records, the people and keys of the gateway);
#   3. starts the services and restores every app database of the local cluster from its newest completed backup,
#      through Berth's own restore (in place: the provisioner makes the database again, then pg_restore);
#   4. runs the reconciler and prints what it found.
# A database already in the cluster is left alone, so a second run only does what the first did not finish.
#
# Usage: install/restore-host.sh [--yes] [DIR]
set -euo pipefail

BERTH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
. "$BERTH_SRC/install/lib/common.sh"
# shellcheck source=lib/token.sh
. "$BERTH_SRC/install/lib/token.sh"
# shellcheck source=lib/services.sh
. "$BERTH_SRC/install/lib/services.sh"
# shellcheck source=lib/postgres.sh
. "$BERTH_SRC/install/lib/postgres.sh"
# shellcheck source=lib/catalogs.sh
. "$BERTH_SRC/install/lib/catalogs.sh"

DEFAULT_INSTANCE=00000000-0000-4000-8000-000000000001
dir=
while [ $# -gt 0 ]; do
    case "$1" in
        --yes | -y) BERTH_ASSUME_YES=1 ;;
        -*) echo "usage: restore-host.sh [--yes] [DIR]" >&2; exit 2 ;;
        *) dir=$1 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || die "run as root: sudo $0"
start_log "${BERTH_LOG_DIR:-/var/log/berth}/restore-host-$(date -u +%Y%m%dT%H%M%SZ).log"
[ -L "$BERTH_OPT/current" ] || die "Berth is not installed here: run install/install.sh with the new disk first"
if grep -qx 'BERTH_PG_EXTERNAL=yes' /etc/berth/postgres.env 2>/dev/null; then
    die "this install keeps its catalogs and app databases on an external PostgreSQL ($(sed -n 's/^BERTH_PG_HOST=//p' \
        /etc/berth/postgres.env)), not on a data disk of this host: restore that server with its own tools;" \
        "single databases come back with Berth's restore (docs/runbooks/03-backup-and-restore.md)"
fi

current=$(cluster_id) || die "the local PostgreSQL does not answer: run install/install.sh with the new disk first"
if [ -z "$dir" ]; then
    # The newest dump taken of another cluster than this one: the lost one (install's own dump of the new cluster,
    # and the timer's, are passed over).
    for candidate in $(find "$BERTH_CATALOG_ROOT" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -r); do
        [ -s "$candidate/cluster-id" ] || continue
        if [ "$(cat "$candidate/cluster-id")" != "$current" ]; then dir=$candidate; break; fi
    done
    [ -n "$dir" ] || die "no catalog dump of an earlier cluster in $BERTH_CATALOG_ROOT: name one (restore-host.sh DIR)"
fi
[ "$(cat "$dir/cluster-id" 2>/dev/null)" != "$current" ] \
    || die "$dir is a dump of the cluster running now, not of the lost one: name an older one"
say "restoring from $dir ($(find "$dir" -mindepth 1 -printf '%f '))"
confirm "Replace Berth's catalogs on this host with $dir and restore every app database from its newest backup?" \
    || die "not restoring (nothing was changed)"

say "step 1/3: globals and catalogs"
for svc in "${BERTH_SERVICES[@]}"; do systemctl stop "berth@$svc.service"; done
# Roles the new cluster has already (postgres, Berth's own) answer "already exists"; their ALTER ROLE lines still
# apply. Any other error is shown.
errors=$(runuser -u postgres -- psql -X -q -p "$BERTH_PG_PORT" -d postgres -f - <"$dir/globals.sql" 2>&1 >/dev/null \
    | grep -v 'already exists' || true)
[ -z "$errors" ] || warn "globals: $errors"
restore_catalogs "$dir"
for svc in "${BERTH_SERVICES[@]}"; do systemctl start "berth@$svc.service"; done
await_services "${BERTH_START_TIMEOUT:-240}" || die "the services are not ready on the restored catalogs: journalctl -u 'berth@*'"

say "step 2/3: app databases, each from its newest completed backup"
TOKEN=$(mint_token /etc/berth/keys/internal-private.pem admin 3600)
registry=http://127.0.0.1:$(service_port registry)
backups=http://127.0.0.1:$(service_port backup)
restored=0 skipped=0 failed=()
page=0
while :; do
    listing=$(service_api "$registry/api/databases?instance=$DEFAULT_INSTANCE&page=$page&size=200")
    while IFS=$'\t' read -r id name; do
        [ -n "$id" ] || continue
        if [ "$(psql_admin -A -t -d postgres -v name="$name" <<<"SELECT count(*) FROM pg_database WHERE datname = :'name'")" = 1 ]; then
            skipped=$((skipped + 1))
            continue
        fi
        backup=$(service_api "$backups/api/databases/$id/backups" \
            | jq -r '[.[] | select(.status == "completed")][0].id // empty')
        if [ -z "$backup" ]; then
            failed+=("$name: no completed backup")
            continue
        fi
        job=$(service_api -X POST -d "{\"backupId\":\"$backup\"}" "$backups/api/databases/$id/restore" | jq -r .id)
        phase=$(service_api --max-time 620 "$backups/api/restores/$job?waitSeconds=600" | jq -r '.phase + " " + (.error // "")')
        if [ "${phase%% *}" = COMPLETED ]; then
            echo "restored $name from backup $backup"
            restored=$((restored + 1))
        else
            failed+=("$name: restore $job ended $phase")
        fi
    done < <(jq -r '.items[] | select(.status == "ready") | [.id, .database] | @tsv' <<<"$listing")
    [ $(((page + 1) * 200)) -lt "$(jq -r .total <<<"$listing")" ] || break
    page=$((page + 1))
done

say "step 3/3: reconciliation"
report=$(service_api -X POST "$registry/api/reconciliation")
echo "reconciler: $(jq -c '[.instances[] | {instance: .instanceName, status, missingDatabases: (.missingDatabases // [] | length), missingRoles: (.missingRoles // [] | length), unknownDatabases: (.unknownDatabases // [] | length)}]' <<<"$report")"
"$BERTH_SRC/install/catalog-backup.sh" >/dev/null
say "restored $restored database(s), $skipped already there, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
    printf '  %s\n' "${failed[@]}" >&2
    die "not every database came back: see above, then run this again (it skips what is restored)"
fi
