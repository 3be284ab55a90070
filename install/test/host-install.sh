#!/usr/bin/env bash
# The installer end to end, on a Debian 12 "host" that boots systemd in a Podman container
# (localhost/berth/host:bookworm, install/test/host-image.sh), with a loop device as its data disk:
#   install → every unit active, health UP → a database made through the API and reached through PgBouncer →
#   a service killed with SIGKILL comes back → the container rebooted, everything back, the data too →
#   a second install changes nothing → uninstall keeps the data.
# Not exercised here: the host's own Podman inside the container (no nested containers: --no-podman), the RHEL path
# (dry run only, in dry-run.bats), a real second disk (a loop device stands in for it).
#
# Usage: install/test/host-install.sh      (root; the source tree built: ./mvnw package -DskipTests)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=berth-host-test-$$
WORK=$(mktemp -d /var/tmp/berth-host-test.XXXXXX)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}
FAILED=0

log() { printf '[host-install %s] %s\n' "$(date +%T)" "$*"; }
fail() {
    printf '[host-install] FAILED: %s\n' "$*" >&2
    FAILED=1
    exit 1
}
in_host() { podman exec "$NAME" "$@"; }

cleanup() {
    local rc=$?
    if [ "$rc" != 0 ] || [ "$FAILED" = 1 ]; then
        log "diagnostics:"
        in_host systemctl --no-pager --failed 2>/dev/null || true
        in_host journalctl --no-pager -n 60 -u 'berth*' -u pgbouncer -u 'postgresql*' 2>/dev/null | tail -60 || true
    fi
    podman rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
    [ -n "${LOOP:-}" ] && losetup -d "$LOOP" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

"$ROOT/install/test/host-image.sh"
truncate -s 2G "$WORK/data.img"
LOOP=$(losetup -f --show "$WORK/data.img")
log "data disk: $LOOP"

boot() {
    local state i
    for i in $(seq 1 60); do
        state=$(in_host systemctl is-system-running 2>/dev/null || true)
        case "$state" in running | degraded) log "systemd: $state"; return 0 ;; esac
        sleep 1
    done
    fail "systemd did not finish booting (state: $state)"
}

podman run -d --name "$NAME" --hostname berth-host --privileged --systemd=always --network=none \
    -v "$ROOT:/src:ro" localhost/berth/host:bookworm >/dev/null
boot

install() {
    in_host env BERTH_DISK_SCOPE="$LOOP" BERTH_DATA_DISK="$LOOP" /src/install/install.sh --yes --no-podman "$@"
}

log "install"
start=$(date +%s)
install >"$WORK/install.out" 2>&1 || { cat "$WORK/install.out"; fail "install.sh failed"; }
log "installed in $(($(date +%s) - start)) s"
password=$(sed -n 's/^First sign-in: user admin, password //p' "$WORK/install.out")
[ -n "$password" ] || { cat "$WORK/install.out"; fail "the first admin's password was not printed"; }
log_file=$(sed -n 's/^  Install log: //p' "$WORK/install.out")
if in_host grep -qF "$password" "$log_file"; then fail "the admin password is in the install log"; fi
in_host test ! -e /etc/berth/gateway/admin.password || fail "the admin password file was left behind"

units=(postgresql@15-berth pgbouncer berth-kafka berth@registry berth@provisioner berth@backup berth@gateway)
check_units() {
    local unit
    for unit in "${units[@]}"; do
        in_host systemctl is-active --quiet "$unit" || fail "$unit is not active after $1"
    done
    log "units active after $1: ${units[*]}"
}
health() {
    local body i
    for i in $(seq 1 120); do
        body=$(in_host curl -fsS http://127.0.0.1:8080/q/health 2>/dev/null || true)
        if [ -n "$body" ] && [ "$(jq -r .status <<<"$body")" = UP ]; then
            log "health UP after $1"
            return 0
        fi
        sleep 1
    done
    fail "health is not UP after $1: $body"
}
check_units install
health install

log "checks: data disk, hardening, secrets"
in_host findmnt -n -o SOURCE,OPTIONS /var/lib/berth | grep -q "^$LOOP .*nosuid,nodev,noexec" \
    || fail "/var/lib/berth is not the data disk mounted nodev,nosuid,noexec"
in_host grep -q "^UUID=.* /var/lib/berth ext4 defaults,nodev,nosuid,noexec" /etc/fstab || fail "no fstab line by UUID"
in_host runuser -u postgres -- psql -XAtc 'SHOW data_directory' | grep -q '^/var/lib/berth/postgresql/15/berth$' \
    || fail "PostgreSQL's data is not on the data disk"
if in_host grep -vE '^\s*(#|$)' /etc/postgresql/15/berth/pg_hba.conf | grep -qw trust; then fail "pg_hba.conf has trust"; fi
[ "$(in_host runuser -u postgres -- psql -XAtc 'SHOW ssl')" = on ] || fail "PostgreSQL runs without SSL"
[ "$(in_host runuser -u postgres -- psql -XAtc 'SHOW password_encryption')" = scram-sha-256 ] || fail "not scram"
in_host stat -c '%a %U %n' /etc/berth/keys/internal-private.pem /etc/berth/vault/vault.key /etc/berth/registry/.env \
    /etc/berth/kafka/server.properties /etc/pgbouncer/userlist.txt >"$WORK/modes"
grep -qv '^600 ' "$WORK/modes" && { cat "$WORK/modes"; fail "a secret file is not 0600"; }
# Nothing listens beyond loopback (and the bridge's gateway address, which has no interface in this container).
if in_host ss -Htln | awk '{print $4}' | grep -vE '^(127\.0\.0\.1|\[::1\]|172\.30\.0\.1):' | grep -q .; then
    in_host ss -Htln
    fail "something listens beyond loopback"
fi
# Kafka refuses a client without a login.
if in_host timeout 20 /opt/berth/current/bin/berth-tool kafka-setup --admin-config /dev/null --user x \
    --password-file /dev/null >/dev/null 2>&1; then fail "Kafka accepted a client without credentials"; fi

log "a database through the API, reached through PgBouncer"
token=$(in_host curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" http://127.0.0.1:8080/api/auth/login | jq -r .token)
[ -n "$token" ] && [ "$token" != null ] || fail "cannot sign in as admin"
api() { in_host curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
created=$(api -X POST -d '{"app":"shop"}' http://127.0.0.1:8080/api/databases)
db_name=$(jq -r .database <<<"$created")
db_id=$(jq -r .id <<<"$created")
user=$(jq -r .credentials.username <<<"$created")
pass=$(jq -r .credentials.password <<<"$created")
[ -n "$db_name" ] && [ "$db_name" != null ] && [ -n "$pass" ] && [ "$pass" != null ] \
    || fail "database not created: $(jq -c 'del(.credentials, .connection)' <<<"$created")"
pooled() {
    in_host env PGPASSWORD="$pass" psql -XAt -h 127.0.0.1 -p 6432 -U "$user" -d "$db_name" -c "$1"
}
pooled "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)" >/dev/null || fail "cannot use shop through PgBouncer"
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "shop through PgBouncer does not hold its rows"
if in_host env PGPASSWORD=wrong psql -XAt -h 127.0.0.1 -p 6432 -U "$user" -d "$db_name" -c 'SELECT 1' >/dev/null 2>&1; then
    fail "PgBouncer accepted a wrong password"
fi
log "shop reached through PgBouncer as $user; a wrong password refused"

log "SIGKILL the registry"
pid=$(in_host systemctl show -p MainPID --value berth@registry)
in_host kill -9 "$pid"
for i in $(seq 1 60); do
    new=$(in_host systemctl show -p MainPID --value berth@registry)
    [ "$new" != 0 ] && [ "$new" != "$pid" ] && break
    sleep 1
done
[ "$new" != "$pid" ] && [ "$new" != 0 ] || fail "the registry did not come back after SIGKILL"
health "the registry's SIGKILL (pid $pid → $new)"

log "reboot"
podman restart -t 60 "$NAME" >/dev/null
boot
check_units reboot
health reboot
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "shop lost its rows across the reboot"

log "second install"
install >"$WORK/second.out" 2>&1 || { cat "$WORK/second.out"; fail "the second install failed"; }
grep -q 'nothing to change' "$WORK/second.out" || { cat "$WORK/second.out"; fail "the second install changed something"; }
log "second install: $(grep 'nothing to change' "$WORK/second.out")"

log "uninstall"
in_host /src/install/uninstall.sh --yes >"$WORK/uninstall.out" 2>&1 || { cat "$WORK/uninstall.out"; fail "uninstall failed"; }
if in_host systemctl is-active --quiet berth@registry; then fail "the registry still runs after uninstall"; fi
in_host test ! -e /etc/systemd/system/berth@.service || fail "the units are still installed"
in_host test -s /etc/berth/keys/internal-private.pem || fail "uninstall removed the keys"
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "uninstall lost the app's data"
log "uninstall: units gone; keys, settings and the app's data kept"

log "reinstall on the kept data"
install >"$WORK/again.out" 2>&1 || { cat "$WORK/again.out"; fail "reinstall failed"; }
health reinstall
[ "$(api "http://127.0.0.1:8080/api/databases/$db_id" | jq -r .app)" = shop ] || fail "the catalog lost shop"
log "PASSED"
