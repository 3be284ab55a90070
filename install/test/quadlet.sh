#!/usr/bin/env bash
# Berth in containers under systemd (deploy/podman/install.sh and its quadlets) end to end, on a Debian 13 "host"
# that boots systemd in a Podman container (install/test/quadlet-host-image.sh: Podman 5.4 with Quadlet; Debian 12's
# Podman 4.3 has none), the images built here by deploy/podman/build.sh and loaded into the host's own Podman:
#   a dry run changes nothing → install → every container's unit active, health UP, only the gateway published (on
#   127.0.0.1) → sign in with the printed password → a database through the API, reached from a container on
#   berth-data by the connection string the API gave → an app run through the admission hook's socket reaches its
#   injected database → a backup → the registry killed with SIGKILL comes back → the host rebooted, everything
#   back, the data too → a second install changes nothing → a new build of the image: what runs the old one restarts
#   on it → uninstall keeps the volumes and the secrets, a new install finds them → --purge asks, then removes them.
# The host's cgroups are v1 (this machine): its systemd 257 boots on them only when told to (the arguments of init).
#
# Usage: install/test/quadlet.sh      (root; the source tree built: ./mvnw package -DskipTests)
#        BERTH_KEEP_HOST=1 keeps the container afterwards
# shellcheck disable=SC2015  # "A && B || fail": fail is what should run when either check fails
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=berth-quadlet-test-$$
IMAGE=localhost/berth/host:trixie
WORK=$(mktemp -d /var/tmp/berth-quadlet-test.XXXXXX)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}
TEST=quadlet
# shellcheck source=systemd-host.sh
. "$ROOT/install/test/systemd-host.sh"

cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] || [ "$FAILED" = 1 ]; then
    log "diagnostics:"
    in_host systemctl --no-pager --failed 2>/dev/null || true
    in_host journalctl --no-pager -n 80 -u 'berth*' 2>/dev/null | tail -80 || true
  fi
  if [ "${BERTH_KEEP_HOST:-}" = 1 ]; then
    log "kept: container $NAME ($WORK)"
    exit "$rc"
  fi
  podman rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

"$ROOT/install/test/quadlet-host-image.sh"
log "images"
"$ROOT/deploy/podman/build.sh" "$ROOT"
podman save -m --format docker-archive -o "$WORK/images.tar" localhost/berth/berth:current \
  localhost/berth/postgres:bookworm >/dev/null

mkdir -p "$WORK/storage"
podman run -d --name "$NAME" --hostname berth-host --privileged --systemd=always --network=none \
  -e PODMAN_IGNORE_CGROUPSV1_WARNING=1 -v "$WORK/storage:/var/lib/containers" -v "$ROOT:/src:ro" \
  -v "$WORK/images.tar:/images.tar:ro" \
  "$IMAGE" /sbin/init systemd.unified_cgroup_hierarchy=0 SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1 >/dev/null
boot
in_host podman load -q -i /images.tar >/dev/null
in_host podman --version

log "a dry run changes nothing"
in_host /src/deploy/podman/install.sh --dry-run --no-build >"$WORK/dry.out" 2>&1 \
  || { cat "$WORK/dry.out"; fail "the dry run failed"; }
grep -q 'would make the secret berth-postgres-admin' "$WORK/dry.out" \
  && grep -q 'would run: systemctl start berth.target' "$WORK/dry.out" \
  || { cat "$WORK/dry.out"; fail "the dry run does not say what it would do"; }
[ -z "$(in_host podman secret ls -q)" ] && in_host test ! -e /etc/containers/systemd/berth \
  && in_host test ! -e /var/log/berth || fail "the dry run changed the host"

log "install"
start=$(date +%s)
in_host /src/deploy/podman/install.sh --yes --no-build >"$WORK/install.out" 2>&1 \
  || { cat "$WORK/install.out"; fail "deploy/podman/install.sh failed"; }
log "installed in $(($(date +%s) - start)) s"
password=$(sed -n '/Sign in as admin with the password:/{n;s/^ *//;p}' "$WORK/install.out")
[ -n "$password" ] || { cat "$WORK/install.out"; fail "the first admin's password was not printed"; }
if in_host grep -qF "$password" /var/log/berth/podman-install.log; then
  fail "the admin password is in the install log"
fi
in_host podman exec berth-gateway test ! -e /var/lib/berth/gateway/admin.password \
  || fail "the admin password file was left behind"

units=(berth-postgres berth-kafka berth-registry berth-provisioner berth-backup berth-gateway)
# The gateway's health UP is not enough here: each service ready, asked inside its container (health's extra check).
ready_too() {
  local svc
  for svc in registry:8081 provisioner:8082 backup:8083; do
    in_host podman exec "berth-${svc%:*}" curl -fsS -o /dev/null "http://127.0.0.1:${svc#*:}/q/health/ready" \
      2>/dev/null || return 1
  done
}
check_units install
health install

log "checks: published ports, users, secrets"
# Only the gateway is published, and on loopback only (PostgreSQL's image exposes 5432, published nowhere).
published=$(in_host podman ps --format '{{.Names}} {{.Ports}}' | grep -- '->' || true)
[ "$published" = "berth-gateway 127.0.0.1:8080->8080/tcp" ] || fail "published ports: $published"
for svc in kafka registry provisioner backup gateway; do
  [ "$(in_host podman exec "berth-$svc" id -u)" = 10001 ] || fail "berth-$svc does not run as berth (10001)"
done
# No password in a container's configuration (they come from secrets).
if in_host podman inspect berth-registry berth-provisioner berth-postgres | grep -qiE '"[A-Z_]*PASSWORD=[^"]'; then
  fail "a password is in a container's environment as inspect shows it"
fi
if in_host podman exec berth-postgres grep -vE '^\s*(#|$)' /data/postgres/pgdata/pg_hba.conf | grep -qw trust; then
  fail "pg_hba.conf has trust"
fi

log "a database through the API, reached from an app's network by its connection string"
token=$(in_host curl -fsS -X POST -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" http://127.0.0.1:8080/api/auth/login | jq -r .token)
if [ -z "$token" ] || [ "$token" = null ]; then fail "cannot sign in as admin"; fi
api() { in_host curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
created=$(api -X POST -d '{"app":"shop"}' http://127.0.0.1:8080/api/databases)
db_id=$(jq -r .id <<<"$created")
uri=$(jq -r .connection.uri <<<"$created")
[ "${uri:-null}" != null ] || fail "database not created: $(jq -c 'del(.credentials, .connection)' <<<"$created")"
[[ "$uri" == *"@berth-postgres:5432/"* ]] || fail "the connection string does not name berth-postgres: ${uri%%:*}…"
app_sql() {
  # The connection string reaches the container in a file (no password on a command line).
  printf 'DATABASE_URL=%s\n' "$uri" | in_host_i sh -c 'umask 077; cat > /run/app.env'
  in_host podman run --rm --network berth-data --env-file /run/app.env --entrypoint /bin/sh \
    localhost/berth/postgres:bookworm -c "psql -XAt \"\$DATABASE_URL\" -c \"$1\""
}
app_sql "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)" >/dev/null || fail "an app cannot use shop"
[ "$(app_sql 'SELECT count(*) FROM orders')" = 2 ] || fail "shop does not hold its rows"

log "an app run through the admission hook's socket gets a database it reaches on berth-data"
in_host podman --url unix:///run/berth/berth.sock run -d --name blog -e DATABASE_URL= --entrypoint sleep \
  localhost/berth/postgres:bookworm infinity >/dev/null || fail "podman --url unix:///run/berth/berth.sock run failed"
# shellcheck disable=SC2016  # $DATABASE_URL is the app container's
[ "$(in_host podman exec blog sh -c 'psql -XAt "$DATABASE_URL" -c "SELECT 1"')" = 1 ] \
  || fail "the app made through the hook cannot reach its database"

log "a backup of shop, taken by the backup service's pg_dump into the volume berth-backups"
backup_id=$(api -X POST "http://127.0.0.1:8080/api/databases/$db_id/backups" | jq -r .id)
status=$(api -H 'Accept: application/json' \
  "http://127.0.0.1:8080/api/databases/$db_id/backups/$backup_id?waitSeconds=120" | jq -r .status)
[ "$status" = completed ] || fail "the backup of shop is $status"

log "the registry killed with SIGKILL comes back"
pid=$(in_host podman inspect --format '{{.State.Pid}}' berth-registry)
in_host kill -9 "$pid"
for _ in $(seq 1 60); do
  now=$(in_host podman inspect --format '{{.State.Pid}}' berth-registry 2>/dev/null || echo 0)
  [ "$now" != 0 ] && [ "$now" != "$pid" ] && break
  sleep 1
done
[ "$now" != 0 ] && [ "$now" != "$pid" ] || fail "berth-registry did not come back after SIGKILL"
health "the registry's SIGKILL"

log "the host rebooted"
podman stop -t 60 "$NAME" >/dev/null
podman start "$NAME" >/dev/null
boot
check_units reboot
health reboot
[ "$(api "http://127.0.0.1:8080/api/databases/$db_id" | jq -r .app)" = shop ] || fail "the catalog lost shop"
[ "$(app_sql 'SELECT count(*) FROM orders')" = 2 ] || fail "shop lost its rows in the reboot"
kept=$(api -H 'Accept: application/json' "http://127.0.0.1:8080/api/databases/$db_id/backups/$backup_id" \
  | jq -r .status)
[ "$kept" = completed ] || fail "the backup of shop is gone after the reboot"

log "a second install changes nothing"
in_host /src/deploy/podman/install.sh --yes --no-build >"$WORK/again.out" 2>&1 \
  || { cat "$WORK/again.out"; fail "the second install failed"; }
grep -q 'nothing changed' "$WORK/again.out" || { cat "$WORK/again.out"; fail "the second install changed something"; }

log "a new build of Berth's image: the install restarts what runs the old one, and only that"
old_image=$(in_host podman image inspect --format '{{.Id}}' localhost/berth/berth:current)
postgres_started=$(in_host podman inspect --format '{{.State.StartedAt}}' berth-postgres)
printf 'FROM localhost/berth/berth:current\nLABEL berth.test.build=2\n' \
  | in_host_i podman build -q --network=none --pull=never -t localhost/berth/berth:current - >/dev/null
in_host /src/deploy/podman/install.sh --yes --no-build >"$WORK/upgrade.out" 2>&1 \
  || { cat "$WORK/upgrade.out"; fail "the install of the new build failed"; }
new_image=$(in_host podman image inspect --format '{{.Id}}' localhost/berth/berth:current)
for svc in kafka registry provisioner backup gateway; do
  [ "$(in_host podman inspect --format '{{.Image}}' "berth-$svc")" = "$new_image" ] \
    || fail "berth-$svc still runs the old image (${old_image:0:12})"
done
[ "$(in_host podman inspect --format '{{.State.StartedAt}}' berth-postgres)" = "$postgres_started" ] \
  || fail "PostgreSQL was restarted though its image did not change"
health "the new build"
[ "$(api "http://127.0.0.1:8080/api/databases/$db_id" | jq -r .app)" = shop ] || fail "the new build lost shop"

log "uninstall keeps the volumes and the secrets"
in_host /src/deploy/podman/install.sh --uninstall >"$WORK/uninstall.out" 2>&1 \
  || { cat "$WORK/uninstall.out"; fail "uninstall failed"; }
in_host test ! -e /etc/containers/systemd/berth || fail "the quadlets are still installed"
[ -z "$(in_host podman ps -q)" ] || fail "containers still run after uninstall"
for volume in berth-postgres berth-vault berth-backups; do
  in_host podman volume exists "$volume" || fail "uninstall removed the volume $volume"
done
in_host podman secret inspect berth-postgres-admin >/dev/null || fail "uninstall removed the secrets"

log "--purge: refused without a terminal before anything is touched; with --yes the volumes and secrets go"
in_host /src/deploy/podman/install.sh --yes --no-build >"$WORK/again.out" 2>&1 \
  || { cat "$WORK/again.out"; fail "the install on the kept volumes failed"; }
health "an install on the kept volumes"
[ "$(api "http://127.0.0.1:8080/api/databases/$db_id" | jq -r .app)" = shop ] || fail "the kept volumes lost shop"
if in_host /src/deploy/podman/install.sh --uninstall --purge </dev/null >"$WORK/purge.out" 2>&1; then
  fail "--purge went ahead without a terminal or --yes"
fi
in_host systemctl is-active --quiet berth-gateway || fail "a refused --purge stopped Berth"
in_host /src/deploy/podman/install.sh --uninstall --purge --yes >"$WORK/purge.out" 2>&1 \
  || { cat "$WORK/purge.out"; fail "--uninstall --purge --yes failed"; }
[ -z "$(in_host podman volume ls -q --filter label=berth.owner=berth)" ] || fail "--purge left a volume"
if in_host podman secret ls --format '{{.Name}}' | grep -q '^berth-'; then fail "--purge left a secret"; fi
log "passed"
