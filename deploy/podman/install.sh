#!/usr/bin/env bash
# Runs Berth itself in containers under systemd with Podman's Quadlet (Podman 4.6 or newer: Debian 13, Ubuntu 24.04,
# RHEL 9.3+): PostgreSQL, Kafka and the four services as quadlets in /etc/containers/systemd/berth/, their passwords
# and keys as Podman secrets, data in named volumes, the gateway on 127.0.0.1:8080. Idempotent: a second run changes
# nothing and says so. Every run is logged to /var/log/berth/podman-install.log (a dry run to $TMPDIR).
#
# Usage: deploy/podman/install.sh [--dry-run] [--yes] [--no-build] [--uninstall [--purge]]
#   --no-build     use the images already on this host (localhost/berth/berth:current and
#                  localhost/berth/postgres:bookworm)
#                  instead of building them from this source tree (deploy/podman/build.sh)
#   --uninstall    stop Berth and remove its units; volumes and secrets stay (your data and keys) unless --purge
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source=../../install/lib/common.sh
. "$SRC/install/lib/common.sh"

QUADLETS=/etc/containers/systemd/berth
UNITS=(berth.target berth-podman.socket berth-podman.service)
CONTAINERS=(postgres kafka registry provisioner backup gateway)
SECRETS=(berth-postgres-admin berth-db-registry berth-db-provisioner berth-db-backup berth-db-gateway
  berth-kafka-broker berth-kafka-berth)
GID=10001
BUILD=1 UNINSTALL=0 PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) BERTH_DRY_RUN=1 ;;
    --yes) BERTH_ASSUME_YES=1 ;;
    --no-build) BUILD=0 ;;
    --uninstall) UNINSTALL=1 ;;
    --purge) PURGE=1 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || die "run as root (rootful Podman and systemd units)"
if dry; then
  start_log "${TMPDIR:-/tmp}/berth-podman-install-dry-run.log"
else
  start_log /var/log/berth/podman-install.log
fi

quadlet_generator() {
  local path
  for path in /usr/lib/systemd/system-generators/podman-system-generator /usr/libexec/podman/quadlet; do
    [ -x "$path" ] && { echo "$path"; return 0; }
  done
  return 1
}

check_host() {
  command -v podman >/dev/null || die "Podman is missing: install podman (4.6 or newer) first"
  local version
  version=$(podman version --format '{{.Client.Version}}')
  quadlet_generator >/dev/null || die "Podman $version has no Quadlet generator (Podman 4.6 or newer has): \
on Debian 12 use install/install.sh (Berth under systemd without containers)"
  local major=${version%%.*} minor=${version#*.}
  minor=${minor%%.*}
  [ "$major" -gt 4 ] || { [ "$major" = 4 ] && [ "$minor" -ge 6 ]; } \
    || die "Podman $version is too old for Berth's quadlets (they use keys of 4.6): upgrade Podman"
  [ -d /run/systemd/system ] || die "systemd is not running here: Quadlet needs it"
  say "Podman $version with Quadlet"
}

# The socket's group: a fixed gid, the one the provisioner's container joins (--group-add in its quadlet).
ensure_group() {
  local name
  name=$(getent group "$GID" | cut -d: -f1 || true)
  if [ -z "$name" ]; then
    getent group berth-podman >/dev/null && die "the group berth-podman exists with another gid than $GID: \
remove it (groupdel berth-podman) or give it gid $GID (groupmod -g $GID berth-podman)"
    act groupadd --system --gid "$GID" berth-podman
  elif [ "$name" != berth-podman ]; then
    die "gid $GID belongs to the group $name: Berth's Podman socket needs that gid for berth-podman (the \
provisioner's container joins it); free it first"
  fi
}

secret_exists() { podman secret inspect "$1" >/dev/null 2>&1; }

# A random password of 32 URL-safe characters (no newline: env-type secrets keep it) straight into a Podman secret
# (never on a command line or in a file).
ensure_password_secret() {
  secret_exists "$1" && return 0
  changed
  if dry; then echo "would make the secret $1"; return 0; fi
  random_password | podman secret create "$1" - >/dev/null
  echo "made the secret $1"
}

# The internal key pair (ADR 0005), made by berth-tool in a throwaway container, kept as two secrets.
ensure_key_secrets() {
  secret_exists berth-internal-private && secret_exists berth-internal-public && return 0
  changed
  if dry; then echo "would make the internal key pair as the secrets berth-internal-private and -public"; return 0; fi
  local dir
  dir=$(mktemp -d /run/berth-keys.XXXXXX)
  chown "$GID:$GID" "$dir"
  podman run --rm --network=none -v "$dir:/keys:z" localhost/berth/berth:current tool keys /keys >/dev/null
  podman secret rm berth-internal-private berth-internal-public >/dev/null 2>&1 || true
  podman secret create berth-internal-private "$dir/internal-private.pem" >/dev/null
  podman secret create berth-internal-public "$dir/internal-public.pem" >/dev/null
  rm -rf "$dir"
  echo "made the internal key pair (secrets berth-internal-private and berth-internal-public)"
}

install_files() {
  local file name changed_files=0
  put_dir "$QUADLETS" 0755 root:root
  put_dir "$QUADLETS/initdb.d" 0755 root:root
  for file in "$HERE"/quadlet/*.container "$HERE"/quadlet/*.network "$HERE"/quadlet/*.volume; do
    name=$(basename "$file")
    put_file "$QUADLETS/$name" 0644 root:root <"$file"
    [ "$PUT_CHANGED" = 1 ] && changed_files=1
  done
  put_file "$QUADLETS/initdb.d/berth.sh" 0755 root:root <"$HERE/quadlet/initdb.d/berth.sh"
  for name in "${UNITS[@]}"; do
    put_file "/etc/systemd/system/$name" 0644 root:root <"$HERE/quadlet/$name"
    [ "$PUT_CHANGED" = 1 ] && changed_files=1
  done
  put_file /etc/tmpfiles.d/berth.conf 0644 root:root <"$HERE/quadlet/berth.tmpfiles.conf"
  [ -d /run/berth ] || act systemd-tmpfiles --create /etc/tmpfiles.d/berth.conf
  if [ "$changed_files" = 1 ]; then
    act systemctl daemon-reload
    RESTART=1
  fi
}

# The units whose container runs another image than the one it would be made from now (a new build retagged
# localhost/berth/berth:current, a rebuilt PostgreSQL image): restarting them makes their containers anew from it.
stale_units() {
  local name image running
  for name in "${CONTAINERS[@]}"; do
    podman container exists "berth-$name" || continue
    image=localhost/berth/berth:current
    [ "$name" = postgres ] && image=localhost/berth/postgres:bookworm
    running=$(podman container inspect --format '{{.Image}}' "berth-$name")
    [ "$running" = "$(podman image inspect --format '{{.Id}}' "$image")" ] || echo "berth-$name.service"
  done
}

# Waits up to SECONDS for every service's readiness check, asked inside its container.
await_ready() {
  local deadline=$(($(date +%s) + $1)) svc port
  for svc in registry:8081 provisioner:8082 backup:8083 gateway:8080; do
    port=${svc#*:} svc=${svc%:*}
    until podman exec "berth-$svc" curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; do
      [ "$(date +%s)" -lt "$deadline" ] || die "berth-$svc is not ready: journalctl -u berth-$svc -n 100"
      sleep 2
    done
    say "berth-$svc is ready"
  done
}

uninstall() {
  local name removed=0
  # Asked before anything is touched: a refusal leaves Berth as it was.
  if [ "$PURGE" = 1 ]; then
    confirm "remove Berth's volumes (every database, backup and the vault key) and its secrets for good?" \
      || die "nothing purged"
  fi
  if unit_active berth.target || podman container exists berth-gateway 2>/dev/null; then
    act systemctl stop berth.target "${CONTAINERS[@]/#/berth-}" berth-podman.socket berth-podman.service
  fi
  if systemctl is-enabled --quiet berth.target 2>/dev/null; then
    act systemctl disable --quiet berth.target berth-podman.socket
  fi
  if [ -d "$QUADLETS" ]; then act rm -rf "$QUADLETS"; removed=1; fi
  for name in "${UNITS[@]}"; do
    if [ -e "/etc/systemd/system/$name" ]; then act rm -f "/etc/systemd/system/$name"; removed=1; fi
  done
  if [ -e /etc/tmpfiles.d/berth.conf ]; then act rm -f /etc/tmpfiles.d/berth.conf; fi
  if [ "$removed" = 1 ]; then act systemctl daemon-reload; fi
  if [ "$PURGE" = 1 ]; then
    for name in postgres kafka vault gateway backups; do
      if podman volume exists "berth-$name"; then act podman volume rm "berth-$name"; fi
    done
    for name in "${SECRETS[@]}" berth-internal-private berth-internal-public; do
      if secret_exists "$name"; then act podman secret rm "$name"; fi
    done
  else
    say "kept the volumes berth-{postgres,kafka,vault,gateway,backups} and the secrets berth-*:" \
      "--uninstall --purge removes them"
  fi
  say "Berth's units are removed"
}

if [ "$UNINSTALL" = 1 ]; then
  uninstall
  exit 0
fi
check_host
RESTART=0
if [ "$BUILD" = 1 ]; then
  if dry; then echo "would run: $HERE/build.sh (images from $SRC)"; else "$HERE/build.sh" "$SRC"; fi
fi
for image in localhost/berth/berth:current localhost/berth/postgres:bookworm; do
  podman image exists "$image" || dry || die "the image $image is missing: run $HERE/build.sh (or leave out --no-build)"
done
ensure_group
for name in "${SECRETS[@]}"; do ensure_password_secret "$name"; done
ensure_key_secrets
install_files
if ! systemctl is-enabled --quiet berth.target 2>/dev/null; then
  act systemctl enable --quiet berth.target berth-podman.socket
fi
if [ "$RESTART" = 1 ] && unit_active berth.target; then
  act systemctl restart berth.target
elif ! unit_active berth.target; then
  act systemctl start berth.target
else
  mapfile -t stale < <(stale_units)
  if [ ${#stale[@]} -gt 0 ]; then
    say "a new image for: ${stale[*]}"
    act systemctl restart "${stale[@]}"
  fi
fi
dry && { say "dry run: nothing was changed"; exit 0; }
await_ready "${BERTH_START_TIMEOUT:-300}"
# The first administrator's password, written once by the gateway: shown on the terminal only (never in the log).
if podman exec berth-gateway test -s /var/lib/berth/gateway/admin.password 2>/dev/null; then
  changed
  printf '\nBerth is running on http://127.0.0.1:8080. Sign in as admin with the password:\n  %s\n%s\n' \
    "$(podman exec berth-gateway cat /var/lib/berth/gateway/admin.password)" "It is shown only once." >&3
  podman exec berth-gateway rm -f /var/lib/berth/gateway/admin.password
fi
if [ "$BERTH_CHANGES" = 0 ]; then
  say "nothing changed: Berth was already installed and running as wanted"
else
  say "done ($BERTH_CHANGES changes)"
fi
