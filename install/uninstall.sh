#!/usr/bin/env bash
# Removes Berth's services from this host: stops and removes the berth units and the release under /opt/berth.
# Keeps the data (PostgreSQL's cluster, which apps may still use, Kafka's log, backups), the settings and the keys,
# so that install.sh brings everything back as it was. With --purge (asked to confirm by typing the host's name) it
# also drops Berth's PostgreSQL cluster, Kafka's data, /etc/berth, the backups, the fstab line and the users.
#
# Usage: install/uninstall.sh [--yes] [--purge] [--dry-run]
set -euo pipefail

BERTH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
. "$BERTH_SRC/install/lib/common.sh"

PURGE=0
BERTH_DATA_DIR=${BERTH_DATA_DIR:-/var/lib/berth}
while [ $# -gt 0 ]; do
    case "$1" in
        --yes | -y) BERTH_ASSUME_YES=1 ;;
        --purge) PURGE=1 ;;
        --dry-run) BERTH_DRY_RUN=1 ;;
        *) echo "usage: uninstall.sh [--yes] [--purge] [--dry-run]" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || die "run as root: sudo $0"
start_log "${BERTH_LOG_DIR:-/var/log/berth}/uninstall-$(date -u +%Y%m%dT%H%M%SZ).log"

if [ "$PURGE" = 1 ] && ! dry; then
    if [ "$BERTH_ASSUME_YES" != 1 ]; then
        [ -t 0 ] || die "--purge erases every database Berth made: run it on a terminal, or add --yes"
        read -r -p "--purge deletes Berth's PostgreSQL cluster with every app database, Kafka's data, the keys and the backups. Type this host's name ($(hostname)) to go on: " answer
        [ "$answer" = "$(hostname)" ] || die "not purging"
    fi
fi

units=(berth@gateway.service berth@backup.service berth@provisioner.service berth@registry.service berth-kafka.service
    berth-podman.service berth-podman.socket berth-catalog-backup.timer berth-catalog-backup.service berth.target)
for unit in "${units[@]}"; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then act systemctl stop "$unit"; fi
    if systemctl is-enabled --quiet "$unit" 2>/dev/null; then act systemctl disable --quiet "$unit"; fi
done
for file in berth@.service berth-kafka.service berth-podman.socket berth-podman.service berth.target \
    berth-catalog-backup.service berth-catalog-backup.timer \
    berth@provisioner.service.d berth@backup.service.d berth@gateway.service.d; do
    if [ -e "/etc/systemd/system/$file" ]; then act rm -rf "/etc/systemd/system/$file"; fi
done
act systemctl daemon-reload
if [ -e /opt/berth ]; then act rm -rf /opt/berth; fi

if [ "$PURGE" = 1 ]; then
    if grep -qx 'BERTH_PG_EXTERNAL=yes' /etc/berth/postgres.env 2>/dev/null; then
        # Another server's data is not this script's to erase: it says what is left there.
        warn "the external PostgreSQL at $(sed -n 's/^BERTH_PG_HOST=//p' /etc/berth/postgres.env):$(sed -n \
            's/^BERTH_PG_PORT=//p' /etc/berth/postgres.env) keeps Berth's catalogs (berth_registry, berth_provisioner," \
            "berth_backup, berth_gateway), its roles (berth_*) and the apps' databases: drop them there if they should go"
    fi
    for cluster in /etc/postgresql/*/berth; do
        [ -d "$cluster" ] || continue
        version=$(basename "$(dirname "$cluster")")
        act pg_dropcluster --stop "$version" berth
    done
    if [ -f /etc/pgbouncer/pgbouncer.ini ] && grep -q "Berth's installer" /etc/pgbouncer/pgbouncer.ini; then
        act systemctl stop pgbouncer
        act systemctl disable --quiet pgbouncer
    fi
    act rm -rf /etc/berth /var/backups/berth "$BERTH_DATA_DIR/kafka" "$BERTH_DATA_DIR/postgresql" \
        /etc/postgresql-common/createcluster.d/berth.conf /etc/sysctl.d/60-berth.conf
    if mountpoint -q "$BERTH_DATA_DIR"; then act umount "$BERTH_DATA_DIR"; fi
    if grep -qE "[[:space:]]${BERTH_DATA_DIR}[[:space:]]" /etc/fstab; then
        act sed -i "\#[[:space:]]${BERTH_DATA_DIR}[[:space:]]#d" /etc/fstab
    fi
    for user in berth berth-kafka; do
        if getent passwd "$user" >/dev/null; then act userdel "$user"; fi
    done
    if getent group berth-podman >/dev/null; then act groupdel berth-podman; fi
    say "purged: Berth, its data, keys and backups are gone (the data disk itself is left unmounted, not erased)"
else
    say "Berth's services are removed. Kept: PostgreSQL (still serving the apps' databases), PgBouncer, $BERTH_DATA_DIR," \
        "/etc/berth (settings, keys, vault key), /var/backups/berth. install.sh brings Berth back on them."
fi
