#!/usr/bin/env bash
# Installs Berth on this host: a data disk for PostgreSQL, a hardened PostgreSQL (or an external one), PgBouncer,
# Kafka with SASL, and the four services under systemd. Idempotent: a second run changes nothing and says so.
# Read docs/runbooks/01-install.md first.
#
# Usage: install/install.sh [options]            (as root, from a built source tree: ./mvnw package -DskipTests)
#   --dry-run                      print every action it would take; change nothing
#   --yes                          answer yes to every question (unattended)
#   --single-disk                  allow the data on the boot disk (refused otherwise)
#   --force-format                 allow erasing a disk that holds data (BERTH_DATA_DISK names it; asks first)
#   --fs ext4|xfs                  the data disk's filesystem (ext4)
#   --external-postgres URL        use this PostgreSQL (a superuser, no password in the URL) instead of a local one
#   --external-postgres-password-file FILE
#   --ssl-cert FILE --ssl-key FILE PostgreSQL's certificate (a self-signed one is made otherwise)
#   --no-pooler                    no PgBouncer (apps connect to PostgreSQL directly)
#   --no-podman                    no Podman API service and no images (no apps on this host)
#   --listen ADDRESS               the gateway's address (127.0.0.1; 0.0.0.0 to reach it from other hosts)
#   --reinstall                    replace the installed release of this version
# Environment: BERTH_DATA_DISK=/dev/… (the disk for data), BERTH_DATA_DIR (/var/lib/berth), BERTH_LOG_DIR
# (/var/log/berth).
set -euo pipefail

BERTH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
. "$BERTH_SRC/install/lib/common.sh"
# shellcheck source=lib/disks.sh
. "$BERTH_SRC/install/lib/disks.sh"
# shellcheck source=lib/postgres.sh
. "$BERTH_SRC/install/lib/postgres.sh"
# shellcheck source=lib/pgbouncer.sh
. "$BERTH_SRC/install/lib/pgbouncer.sh"
# shellcheck source=lib/kafka.sh
. "$BERTH_SRC/install/lib/kafka.sh"
# shellcheck source=lib/services.sh
. "$BERTH_SRC/install/lib/services.sh"

BERTH_DATA_DIR=${BERTH_DATA_DIR:-/var/lib/berth}
SINGLE_DISK=0
FORCE_FORMAT=0
FS=ext4
EXTERNAL_PG=""
BERTH_WITH_POOLER=1
BERTH_WITH_PODMAN=1

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) BERTH_DRY_RUN=1 ;;
        --yes | -y) BERTH_ASSUME_YES=1 ;;
        --single-disk) SINGLE_DISK=1 ;;
        --force-format) FORCE_FORMAT=1 ;;
        --fs) FS=${2:?--fs ext4|xfs}; shift ;;
        --external-postgres) EXTERNAL_PG=${2:?--external-postgres URL}; shift ;;
        --external-postgres-password-file) BERTH_EXTERNAL_PG_PASSWORD_FILE=${2:?}; shift ;;
        --ssl-cert) BERTH_SSL_CERT=${2:?}; shift ;;
        --ssl-key) BERTH_SSL_KEY=${2:?}; shift ;;
        --no-pooler) BERTH_WITH_POOLER=0 ;;
        --no-podman) BERTH_WITH_PODMAN=0 ;;
        --listen) BERTH_GATEWAY_LISTEN=${2:?}; shift ;;
        --reinstall) BERTH_REINSTALL=1 ;;
        -h | --help) usage ;;
        *) echo "install.sh: unknown option $1" >&2; usage ;;
    esac
    shift
done
case "$FS" in ext4 | xfs) ;; *) die "--fs: ext4 or xfs" ;; esac
[ -z "${BERTH_SSL_CERT:-}${BERTH_SSL_KEY:-}" ] || { [ -n "${BERTH_SSL_CERT:-}" ] && [ -n "${BERTH_SSL_KEY:-}" ]; } \
    || die "--ssl-cert and --ssl-key go together"
[ -z "$EXTERNAL_PG" ] || BERTH_WITH_POOLER=0
export BERTH_WITH_POOLER BERTH_WITH_PODMAN BERTH_DRY_RUN BERTH_ASSUME_YES

[ "$(id -u)" = 0 ] || die "run as root: sudo $0 $*"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if dry; then
    start_log "${TMPDIR:-/tmp}/berth-install-dry-run-$stamp.log"
    say "dry run: nothing is changed; every action is printed as 'would …'"
else
    start_log "${BERTH_LOG_DIR:-/var/log/berth}/install-$stamp.log"
fi

# Java 17 or newer, from any package.
java_ok() {
    command -v java >/dev/null && [ "$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)" -ge 17 ]
}

detect_os
say "system: $BERTH_OS ($BERTH_PKG); memory: $(memory_mib) MiB; source: $BERTH_SRC"
[ "$BERTH_PKG" = dnf ] && ! dry && warn "the RHEL/Rocky path has only been dry-run by Berth's tests"
command -v systemctl >/dev/null && [ -d /run/systemd/system ] || dry \
    || die "systemd is not running here: the install runs Berth as systemd services (./berth up runs it without)"
VERSION=$(release_id "$BERTH_SRC")
if [ -L "$BERTH_OPT/current" ] && [ "$(readlink "$BERTH_OPT/current")" != "$BERTH_OPT/releases/$VERSION" ] \
    && [ "${BERTH_REINSTALL:-0}" != 1 ]; then
    die "release $(basename "$(readlink "$BERTH_OPT/current")") is installed and this tree holds $VERSION:" \
        "upgrade with install/upgrade.sh (backups first, rollback if unhealthy)"
fi

say "step 1/7: packages"
if [ "$BERTH_PKG" = apt ]; then
    install_packages jq openssl curl util-linux e2fsprogs xfsprogs mariadb-client redis-tools
    command -v psql >/dev/null || install_packages postgresql-client
    java_ok || install_packages openjdk-17-jre-headless
else
    install_packages jq openssl curl util-linux e2fsprogs xfsprogs java-17-openjdk-headless postgresql mariadb redis
fi

if [ -n "$EXTERNAL_PG" ]; then
    # Before anything is made: a server that cannot be reached, or an admin that is not a superuser, stops the
    # install here with the reason, having changed nothing but the packages.
    setup_external_postgres "$EXTERNAL_PG"
fi

say "step 2/7: data disk at $BERTH_DATA_DIR"
if [ -n "$EXTERNAL_PG" ]; then
    say "external PostgreSQL: no data disk needed for it; Kafka's data stays in $BERTH_DATA_DIR"
    put_dir "$BERTH_DATA_DIR" 0755 root:root
else
    prepare_data_disk "$BERTH_DATA_DIR" "$FS" "$SINGLE_DISK" "$FORCE_FORMAT"
fi

say "step 3/7: users and release $VERSION"
ensure_users
install_release "$BERTH_SRC" "$VERSION"

say "step 4/7: PostgreSQL"
if [ -n "$EXTERNAL_PG" ]; then
    say "external PostgreSQL at $EXTERNAL_PG (checked in step 1)"
    DB_HOST=$BERTH_EXTERNAL_HOST
    DB_PORT=$BERTH_EXTERNAL_PORT
else
    setup_local_postgres "$BERTH_DATA_DIR"
    DB_HOST=127.0.0.1
    DB_PORT=$BERTH_PG_PORT
fi
setup_berth_roles
# Where the catalogs are, for the scripts that dump and restore them (catalog-backup.sh, upgrade.sh's rollback).
{
    echo "# Written by Berth's installer: where Berth's catalogs are (read by install/lib/catalogs.sh)."
    echo "BERTH_PG_EXTERNAL=$([ -n "$EXTERNAL_PG" ] && echo yes || echo no)"
    echo "BERTH_PG_HOST=$DB_HOST"
    echo "BERTH_PG_PORT=$DB_PORT"
    echo "BERTH_PG_SSLMODE=${BERTH_EXTERNAL_SSLMODE:-prefer}"
} | put_file /etc/berth/postgres.env 0644 root:root

say "step 5/7: PgBouncer"
if [ "$BERTH_WITH_POOLER" = 1 ]; then
    setup_pgbouncer
else
    say "no PgBouncer (--no-pooler or an external PostgreSQL)"
fi

say "step 6/7: Kafka"
kafka_secrets
setup_services "$DB_HOST" "$DB_PORT"
setup_kafka "$BERTH_OPT/current" "$BERTH_DATA_DIR/kafka"

say "step 7/7: services"
if [ "$BERTH_WITH_PODMAN" = 1 ] && [ "$BERTH_PKG" = apt ]; then
    install_packages podman runc debootstrap
    if ! dry && ! podman image exists localhost/berth/postgres:bookworm; then
        changed
        "$BERTH_SRC/deploy/images/build.sh" | sed 's/^/images: /'
    fi
fi
start_services

if [ "$BERTH_CHANGES" = 0 ]; then
    say "nothing to change: Berth $VERSION is installed as asked"
elif dry; then
    say "dry run done: $BERTH_CHANGES actions above would be taken"
else
    say "done: Berth $VERSION is installed ($BERTH_CHANGES changes)"
fi
if ! dry && [ -s /etc/berth/gateway/admin.password ]; then
    # Shown once, on the terminal only (not in the log); the file goes.
    printf '\nFirst sign-in: user admin, password %s\nChange it after signing in (POST /api/auth/password).\n' \
        "$(cat /etc/berth/gateway/admin.password)" >&3
    rm -f /etc/berth/gateway/admin.password
fi
if ! dry; then
    cat <<EOF

  Gateway (API + dashboard): http://$BERTH_GATEWAY_LISTEN:$(service_port gateway)/   health: /q/health
  Status:    systemctl status berth.target 'berth@*' berth-kafka
  Logs:      journalctl -u 'berth@*' -u berth-kafka -f
  Settings:  /etc/berth        Data: $BERTH_DATA_DIR        Backups: /var/backups/berth
  Install log: ${BERTH_LOG_DIR:-/var/log/berth}/install-$stamp.log
EOF
fi
