#!/usr/bin/env bash
# Upgrades an installed Berth to the build in this source tree, and rolls back by itself when the new one is not
# healthy:
#   1. backs up every app database through Berth's own backup service (and waits for each), the globals
#      (pg_dumpall --globals-only) and Berth's four catalogs (pg_dump), under /var/backups/berth/upgrade-<time>/;
#   2. installs the new release beside the running one and points /opt/berth/current at it;
#   3. restarts the services (each runs its own schema migrations at start) and waits for them to be ready;
#   4. if they are not ready in time: stops them, restores the four catalogs from step 1 (undoing the migrations),
#      points /opt/berth/current back, starts the previous release and checks it again.
# Read docs/runbooks/02-upgrade.md first.
#
# Usage: install/upgrade.sh [--yes] [--dry-run] [--timeout SECONDS]
set -euo pipefail

BERTH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
. "$BERTH_SRC/install/lib/common.sh"
# shellcheck source=lib/token.sh
. "$BERTH_SRC/install/lib/token.sh"
# shellcheck source=lib/services.sh
. "$BERTH_SRC/install/lib/services.sh"
# shellcheck source=lib/catalogs.sh
. "$BERTH_SRC/install/lib/catalogs.sh"

TIMEOUT=${BERTH_START_TIMEOUT:-240}
while [ $# -gt 0 ]; do
    case "$1" in
        --yes | -y) BERTH_ASSUME_YES=1 ;;
        --dry-run) BERTH_DRY_RUN=1 ;;
        --timeout) TIMEOUT=${2:?}; shift ;;
        *) echo "usage: upgrade.sh [--yes] [--dry-run] [--timeout SECONDS]" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || die "run as root: sudo $0"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
start_log "${BERTH_LOG_DIR:-/var/log/berth}/upgrade-$stamp.log"

[ -L "$BERTH_OPT/current" ] || die "Berth is not installed here (no $BERTH_OPT/current): run install/install.sh"
previous=$(readlink "$BERTH_OPT/current")
new_release=$(release_id "$BERTH_SRC")
[ "$previous" != "$BERTH_OPT/releases/$new_release" ] || { say "release $new_release is already running"; exit 0; }
say "upgrade: $(basename "$previous") → $new_release"
confirm "Upgrade Berth to $new_release (backups first; automatic rollback if it is not healthy)?" || die "not upgrading"

restart_all() {
    local svc
    for svc in "${BERTH_SERVICES[@]}"; do act systemctl restart "berth@$svc.service"; done
}

dir=/var/backups/berth/upgrade-$stamp
say "step 1/3: backups into $dir"
if dry; then
    echo "would back up every app database through the API, the globals and the catalogs berth_{registry,provisioner,backup,gateway} into $dir"
else
    await_services 60 >/dev/null || die "Berth is not healthy now; fix that before upgrading (nothing was changed)"
    install -d -m 0700 -o berth -g berth "$dir"
    TOKEN=$(mint_token /etc/berth/keys/internal-private.pem admin 3600)
    # The registry and the backup service directly (an internal token; the gateway takes people's sessions).
    # Every page of the list (an install with more than one page of databases backs them all up).
    ids=() page=0
    while :; do
        listing=$(service_api "http://127.0.0.1:$(service_port registry)/api/databases?page=$page&size=200")
        mapfile -t -O "${#ids[@]}" ids < <(jq -r '.items[] | select(.status == "ready") | .id' <<<"$listing")
        [ $(((page + 1) * 200)) -lt "$(jq -r .total <<<"$listing")" ] || break
        page=$((page + 1))
    done
    for id in "${ids[@]}"; do
        backup=$(service_api -X POST "http://127.0.0.1:$(service_port backup)/api/databases/$id/backups?reason=manual" | jq -r .id)
        # The record (Accept: JSON), once the backup has finished (it waits up to 600 s).
        state=$(service_api --max-time 620 -H 'Accept: application/json' \
            "http://127.0.0.1:$(service_port backup)/api/databases/$id/backups/$backup?waitSeconds=600" | jq -r .status)
        [ "$state" = completed ] || die "the backup of database $id ended $state: not upgrading (nothing else was changed)"
        echo "backed up database $id (backup $backup)"
    done
    "$BERTH_SRC/install/catalog-backup.sh" "$dir"
fi

say "step 2/3: release $new_release"
install_release "$BERTH_SRC" "$new_release"
put_file /etc/systemd/system/berth@.service 0644 root:root <"$BERTH_SRC/deploy/systemd/berth@.service"
if [ "$PUT_CHANGED" = 1 ]; then act systemctl daemon-reload; fi

say "step 3/3: restart on the new release and check health (${TIMEOUT} s)"
restart_all
dry && { say "dry run done"; exit 0; }
if await_services "$TIMEOUT"; then
    say "upgraded to $new_release; the previous release stays in $previous until you remove it"
    exit 0
fi

warn "the new release is not healthy: rolling back to $(basename "$previous")"
for svc in "${BERTH_SERVICES[@]}"; do systemctl stop "berth@$svc.service"; done
# The catalogs as they were before the new release's migrations ran.
restore_catalogs "$dir"
ln -sfn "$previous" "$BERTH_OPT/current"
for svc in "${BERTH_SERVICES[@]}"; do systemctl start "berth@$svc.service"; done
# The previous release is known to work: give it the full start time, whatever --timeout the new one had.
if await_services "$((TIMEOUT > 240 ? TIMEOUT : 240))"; then
    die "upgrade failed and was rolled back: $(basename "$previous") runs again with its catalogs as before. See journalctl -u 'berth@*' for why $new_release did not start; backups: $dir"
fi
die "upgrade failed and the rollback is not healthy either: see docs/runbooks/02-upgrade.md (restore by hand from $dir)"
