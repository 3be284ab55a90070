#!/usr/bin/env bash
# The installer end to end, on a Debian 12 "host" that boots systemd in a Podman container
# (localhost/berth/host:bookworm, install/test/host-image.sh), with a loop device as its data disk:
#   install → every unit active, health UP → a database made through the API and reached through PgBouncer →
#   a service killed with SIGKILL comes back → the container rebooted, everything back, the data too →
#   a second install changes nothing → an upgrade, and a broken upgrade rolled back → uninstall keeps the data →
#   the data disk lost and the host restored (runbook 04) → runbooks 03, 06, 09, 05 → uninstall --purge, a fresh install
#   → purged again, and installed with --external-postgres (a second cluster of the host stands in for the server).
# Not exercised here: the install's own Podman part (--no-podman; a nested Podman 4.3 did start a container in a
# Debian 12 container in session 32, untried with this test; quadlet.sh runs Podman 5.4 nested on Debian 13), the RHEL
# path (dry run only, in dry-run.bats), a real second disk (a loop device stands in for it).
#
# Usage: install/test/host-install.sh      (root; the source tree built: ./mvnw package -DskipTests)
#        BERTH_KEEP_HOST=1 keeps the container and its data disk afterwards (to try the runbooks on it)
# shellcheck disable=SC2015  # "A && B || fail": fail is what should run when either check fails
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=berth-host-test-$$
WORK=$(mktemp -d /var/tmp/berth-host-test.XXXXXX)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}
DEFAULT_INSTANCE=00000000-0000-4000-8000-000000000001
TEST=host-install
# shellcheck source=systemd-host.sh
. "$ROOT/install/test/systemd-host.sh"

cleanup() {
    local rc=$?
    if [ "$rc" != 0 ] || [ "$FAILED" = 1 ]; then
        log "diagnostics:"
        in_host systemctl --no-pager --failed 2>/dev/null || true
        in_host journalctl --no-pager -n 60 -u 'berth*' -u pgbouncer -u 'postgresql*' 2>/dev/null | tail -60 || true
    fi
    if [ "${BERTH_KEEP_HOST:-}" = 1 ]; then
        # For trying runbooks by hand: podman exec -it NAME bash; remove it with podman rm -f NAME, losetup -d LOOP.
        log "kept: container $NAME, data disk $LOOP ($WORK)"
        exit "$rc"
    fi
    podman rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
    if [ -n "${LOOP:-}" ]; then losetup -d "$LOOP" 2>/dev/null || true; fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

"$ROOT/install/test/host-image.sh"
truncate -s 2G "$WORK/data.img"
LOOP=$(losetup -f --show "$WORK/data.img")
log "data disk: $LOOP"

podman run -d --name "$NAME" --hostname berth-host --privileged --systemd=always --network=none \
    -v "$ROOT:/src:ro" localhost/berth/host:bookworm >/dev/null
boot

install_berth() {
    in_host env BERTH_DISK_SCOPE="$LOOP" BERTH_DATA_DISK="$LOOP" /src/install/install.sh --yes --no-podman
}

log "install"
start=$(date +%s)
install_berth >"$WORK/install.out" 2>&1 || { cat "$WORK/install.out"; fail "install.sh failed"; }
log "installed in $(($(date +%s) - start)) s"
password=$(sed -n 's/^First sign-in: user admin, password //p' "$WORK/install.out")
[ -n "$password" ] || { cat "$WORK/install.out"; fail "the first admin's password was not printed"; }
log_file=$(sed -n 's/^  Install log: //p' "$WORK/install.out")
if in_host grep -qF "$password" "$log_file"; then fail "the admin password is in the install log"; fi
in_host test ! -e /etc/berth/gateway/admin.password || fail "the admin password file was left behind"

units=(postgresql@15-berth pgbouncer berth-kafka berth@registry berth@provisioner berth@backup berth@gateway)
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
in_host systemctl is-enabled --quiet berth-catalog-backup.timer || fail "the catalog backup timer is not enabled"
in_host sh -c 'ls /var/backups/berth/catalogs/*/berth_registry.dump /var/backups/berth/catalogs/*/globals.sql' >/dev/null \
    || fail "the install made no first catalog dump"
in_host systemctl start berth-catalog-backup.service || fail "the catalog backup service failed"
[ "$(in_host sh -c 'ls -d /var/backups/berth/catalogs/20*' | wc -l)" -ge 2 ] || fail "the timer's service wrote no dump"
# Nothing listens beyond loopback (and the bridge's gateway address, which has no interface in this container).
if in_host ss -Htln | awk '{print $4}' | grep -vE '^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]|172\.30\.0\.1):' | grep -q .; then
    in_host ss -Htln
    fail "something listens beyond loopback"
fi
# Kafka refuses a client without a login.
if in_host timeout 20 /opt/berth/current/bin/berth-tool kafka-setup --admin-config /dev/null --user x \
    --password-file /dev/null >/dev/null 2>&1; then fail "Kafka accepted a client without credentials"; fi

log "a database through the API, reached through PgBouncer"
token=$(in_host curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" http://127.0.0.1:8080/api/auth/login | jq -r .token)
if [ -z "$token" ] || [ "$token" = null ]; then fail "cannot sign in as admin"; fi
api() { in_host curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
# A runbook's command as an operator types it on the host, with an internal admin token in $TOKEN.
rb() { in_host sh -c "TOKEN=\$(/opt/berth/current/bin/berth-token admin 600); $1"; }
created=$(api -X POST -d '{"app":"shop"}' http://127.0.0.1:8080/api/databases)
db_name=$(jq -r .database <<<"$created")
db_id=$(jq -r .id <<<"$created")
user=$(jq -r .credentials.username <<<"$created")
pass=$(jq -r .credentials.password <<<"$created")
if [ "${db_name:-null}" = null ] || [ "${pass:-null}" = null ]; then
    fail "database not created: $(jq -c 'del(.credentials, .connection)' <<<"$created")"
fi
pooled() {
    in_host env PGPASSWORD="$pass" timeout 20 psql -XAt -h 127.0.0.1 -p 6432 -U "$user" -d "$db_name" -c "$1"
}
pooled "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)" >/dev/null || fail "cannot use shop through PgBouncer"
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "shop through PgBouncer does not hold its rows"
if in_host env PGPASSWORD=wrong timeout 20 psql -XAt -h 127.0.0.1 -p 6432 -U "$user" -d "$db_name" -c 'SELECT 1' >/dev/null 2>&1; then
    fail "PgBouncer accepted a wrong password"
fi
uri=$(jq -r .connection.uri <<<"$created")
[ "$(jq -r .pooled <<<"$created")" = true ] && [[ "$uri" == *"@host.containers.internal:6432/"* || "$uri" == *":6432/"* ]] \
    || fail "a new database on an install with PgBouncer is not pooled: pooled=$(jq -r .pooled <<<"$created")"
[ "$(in_host timeout 20 psql -XAt "${uri/host.containers.internal/127.0.0.1}" -c 'SELECT count(*) FROM orders')" = 2 ] \
    || fail "the connection string the API gave does not work"
log "shop reached through PgBouncer as $user (and by the API's own connection string); a wrong password refused"
pool=$(api "http://127.0.0.1:8080/api/instances/$DEFAULT_INSTANCE/pool")
[ "$(jq -r --arg db "$db_name" '[.pools[] | select(.database == $db)] | length' <<<"$pool")" -ge 1 ] \
    || fail "GET /api/instances/…/pool does not show shop's pool: $pool"
log "pool statistics: $(jq -c --arg db "$db_name" '.pools[] | select(.database == $db) | {database, user, cl_active, sv_idle, pool_mode}' <<<"$pool")"
unpooled=$(api -X POST -d '{"app":"direct","pooled":false}' http://127.0.0.1:8080/api/databases)
[[ "$(jq -r .connection.uri <<<"$unpooled")" == *":5432/"* ]] || fail "pooled:false did not give a direct connection"
unpooled_id=$(jq -r .id <<<"$unpooled")
switched=$(api -X PATCH -d '{"pooled":true}' "http://127.0.0.1:8080/api/databases/$unpooled_id")
[ "$(jq -r .pooled <<<"$switched")" = true ] || fail "PATCH pooled:true did not switch pooling on: $switched"
switched_uri=$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8081/api/databases/$unpooled_id/credentials" | jq -r .connection.uri)
[[ "$switched_uri" == *":6432/"* ]] || fail "after PATCH pooled:true the connection string does not name PgBouncer"
[ "$(in_host timeout 20 psql -XAt "${switched_uri/host.containers.internal/127.0.0.1}" -c 'SELECT 1')" = 1 ] \
    || fail "the switched database cannot be reached through PgBouncer with its own connection string"
log "pooling switched on for an existing database: its connection string now names PgBouncer and works"
bad=$(api -o /dev/null -w '%{http_code}' -X POST -d '{"app":"elsewhere","pooled":true,"instance":"nonexistent"}' \
    http://127.0.0.1:8080/api/databases)
[ "$bad" -ge 400 ] && [ "$bad" -lt 500 ] || fail "pooled on an unknown instance answered $bad"

log "SIGKILL the registry"
pid=$(in_host systemctl show -p MainPID --value berth@registry)
in_host kill -9 "$pid"
for _ in $(seq 1 60); do
    new=$(in_host systemctl show -p MainPID --value berth@registry)
    [ "$new" != 0 ] && [ "$new" != "$pid" ] && break
    sleep 1
done
if [ "$new" = "$pid" ] || [ "$new" = 0 ]; then fail "the registry did not come back after SIGKILL"; fi
health "the registry's SIGKILL (pid $pid → $new)"

log "second install"
install_berth >"$WORK/second.out" 2>&1 || { cat "$WORK/second.out"; fail "the second install failed"; }
grep -q 'nothing to change' "$WORK/second.out" || { cat "$WORK/second.out"; fail "the second install changed something"; }
log "second install: $(grep 'nothing to change' "$WORK/second.out")"

log "upgrade to a new build (healthy), then to a broken one (rolled back)"
# A copy of the built tree whose release differs (one more jar), and a second whose registry cannot start.
next_tree() {
    local dir=$1
    in_host sh -c "rm -rf $dir && mkdir -p $dir/common && cd /src && cp -r pom.xml install deploy docs $dir/ \
        && for s in registry provisioner backup gateway; do mkdir -p $dir/\$s-service/target \
        && cp -r \$s-service/target/quarkus-app $dir/\$s-service/target/; done \
        && for m in kafka-dist embedded contracts security; do mkdir -p $dir/common/\$m && cp -r common/\$m/target $dir/common/\$m/; done \
        && head -c 64 /dev/urandom > $dir/gateway-service/target/quarkus-app/app/release-marker.jar"
}
next_tree /tmp/next
before=$(in_host readlink /opt/berth/current)
in_host /tmp/next/install/upgrade.sh --yes >"$WORK/upgrade.out" 2>&1 || { cat "$WORK/upgrade.out"; fail "the upgrade failed"; }
after=$(in_host readlink /opt/berth/current)
[ "$after" != "$before" ] || fail "the upgrade did not switch the release"
grep -q '^backed up database ' "$WORK/upgrade.out" || { cat "$WORK/upgrade.out"; fail "the upgrade took no backups"; }
in_host sh -c 'ls /var/backups/berth/upgrade-*/berth_registry.dump /var/backups/berth/upgrade-*/globals.sql' >/dev/null \
    || fail "the upgrade left no catalog dumps"
health upgrade
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "the upgrade lost shop's rows"
log "upgraded: $(basename "$before") → $(basename "$after")"

next_tree /tmp/broken
in_host sh -c 'printf broken > /tmp/broken/registry-service/target/quarkus-app/quarkus-run.jar'
if in_host /tmp/broken/install/upgrade.sh --yes --timeout 60 >"$WORK/rollback.out" 2>&1; then
    cat "$WORK/rollback.out"
    fail "a broken release was reported as upgraded"
fi
grep -q 'rolled back' "$WORK/rollback.out" || { cat "$WORK/rollback.out"; fail "the broken upgrade was not rolled back"; }
[ "$(in_host readlink /opt/berth/current)" = "$after" ] || fail "after the rollback, current is not the previous release"
health rollback
[ "$(api "http://127.0.0.1:8080/api/databases/$db_id" | jq -r .app)" = shop ] || fail "the rollback lost shop"
log "broken upgrade rolled back: $(grep -o 'upgrade failed and was rolled back: [^ ]* runs again' "$WORK/rollback.out")"

log "uninstall"
in_host /src/install/uninstall.sh --yes >"$WORK/uninstall.out" 2>&1 || { cat "$WORK/uninstall.out"; fail "uninstall failed"; }
if in_host systemctl is-active --quiet berth@registry; then fail "the registry still runs after uninstall"; fi
in_host test ! -e /etc/systemd/system/berth@.service || fail "the units are still installed"
in_host test -s /etc/berth/keys/internal-private.pem || fail "uninstall removed the keys"
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "uninstall lost the app's data"
log "uninstall: units gone; keys, settings and the app's data kept"

log "reinstall on the kept data"
install_berth >"$WORK/again.out" 2>&1 || { cat "$WORK/again.out"; fail "reinstall failed"; }
health reinstall
[ "$(api "http://127.0.0.1:8080/api/databases/$db_id" | jq -r .app)" = shop ] || fail "the catalog lost shop"
log "runbook 04: the data disk is lost; a new one, install, restore-host.sh"
in_host systemctl start berth-catalog-backup.service || fail "runbook 04: the catalog backup failed"
in_host systemctl stop berth@gateway berth@backup berth@provisioner berth@registry berth-kafka pgbouncer postgresql@15-berth
in_host umount /var/lib/berth || fail "runbook 04: cannot unmount the data disk"
in_host wipefs -a -q "$LOOP" # the disk is gone: the same slot now holds a new, empty one
if install_berth >"$WORK/lost.out" 2>&1; then cat "$WORK/lost.out"; fail "runbook 04: the install ran on with its disk gone"; fi
grep -q 'no disk here has that UUID' "$WORK/lost.out" || { cat "$WORK/lost.out"; fail "runbook 04: no clear refusal"; }
fstab_fix=$(grep -o "sed -i '[^']*' /etc/fstab" "$WORK/lost.out")
in_host sh -c "$fstab_fix"
install_berth >"$WORK/newdisk.out" 2>&1 || { cat "$WORK/newdisk.out"; fail "runbook 04: the install on the new disk failed"; }
new_admin=$(sed -n 's/^First sign-in: user admin, password //p' "$WORK/newdisk.out")
[ -n "$new_admin" ] || fail "runbook 04: the new cluster got no first admin"
in_host findmnt -n -o SOURCE /var/lib/berth | grep -qx "$LOOP" || fail "runbook 04: the new disk is not mounted"
start=$(date +%s)
in_host /opt/berth/current/install/restore-host.sh --yes >"$WORK/restore-host.out" 2>&1 \
    || { cat "$WORK/restore-host.out"; fail "runbook 04: restore-host.sh failed"; }
log "runbook 04: restore-host.sh in $(($(date +%s) - start)) s: $(grep -E 'restored [0-9]+ database|^reconciler' "$WORK/restore-host.out" | tr '\n' ' ')"
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "runbook 04: shop's rows (or its password) did not come back"
token=$(in_host curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" http://127.0.0.1:8080/api/auth/login | jq -r .token)
[ "${token:-null}" != null ] || fail "runbook 04: the admin's own password does not sign in after the restore"
[ "$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8081/api/databases/$db_id/credentials" | jq -r .credentials.password)" = "$pass" ] \
    || fail "runbook 04: the vault does not open the restored catalog's sealed password"
in_host /opt/berth/current/install/restore-host.sh --yes >"$WORK/restore-again.out" 2>&1 \
    || { cat "$WORK/restore-again.out"; fail "runbook 04: a second restore-host.sh failed"; }
grep -q 'restored 0 database(s), [1-9][0-9]* already there, 0 failed' "$WORK/restore-again.out" \
    || { cat "$WORK/restore-again.out"; fail "runbook 04: a second run did more than nothing"; }
log "runbook 04: rows back through PgBouncer with the app's old password, the admin signs in as before, the vault opens"
log "reboot (a second host, its data on the container's own disk)"
# systemd inside a container does not track devices (no device unit is ever plugged there), so the data disk's fstab
# mount by UUID cannot come up at a container's boot. disks.bats covers that mount after a reboot; this host checks
# that everything else comes back by itself.
podman rm -f -t 30 "$NAME" >/dev/null
podman run -d --name "$NAME" --hostname berth-host --privileged --systemd=always --network=none \
    -v "$ROOT:/src:ro" localhost/berth/host:bookworm >/dev/null
boot
in_host env BERTH_DISK_SCOPE=/dev/none /src/install/install.sh --yes --no-podman --single-disk >"$WORK/single.out" 2>&1 \
    || { cat "$WORK/single.out"; fail "the single-disk install failed"; }
password=$(sed -n 's/^First sign-in: user admin, password //p' "$WORK/single.out")
token=$(in_host curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" http://127.0.0.1:8080/api/auth/login | jq -r .token)
created=$(api -X POST -d '{"app":"shop"}' http://127.0.0.1:8080/api/databases)
db_name=$(jq -r .database <<<"$created")
user=$(jq -r .credentials.username <<<"$created")
pass=$(jq -r .credentials.password <<<"$created")
pooled "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)" >/dev/null || fail "cannot use shop on the second host"
podman restart -t 60 "$NAME" >/dev/null
boot
check_units reboot
health reboot
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "shop lost its rows across the reboot"
log "after the reboot: every unit active, health UP, shop's rows there"

log "runbook 03: back up and restore one database (the commands as the runbook gives them)"
db_id=$(jq -r .id <<<"$created")
backup=$(rb "curl -s -X POST -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8083/api/databases/$db_id/backups")
backup_id=$(jq -r .id <<<"$backup")
done_backup=$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" -H 'Accept: application/json' 'http://127.0.0.1:8083/api/databases/$db_id/backups/$backup_id?waitSeconds=120'")
[ "$(jq -r .status <<<"$done_backup")" = completed ] || fail "runbook 03: the backup did not complete: $done_backup"
log "runbook 03: backup $(jq -c '{status, sizeBytes, tableCount, sha256: (.sha256[0:12])}' <<<"$done_backup")"
pooled "DELETE FROM orders" >/dev/null
job=$(rb "curl -s -X POST -H \"Authorization: Bearer \$TOKEN\" -H 'Content-Type: application/json' -d '{\"backupId\":\"$backup_id\"}' http://127.0.0.1:8083/api/databases/$db_id/restore")
job_id=$(jq -r .id <<<"$job")
finished=$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" 'http://127.0.0.1:8083/api/restores/$job_id?waitSeconds=300'")
[ "$(jq -r .phase <<<"$finished")" = COMPLETED ] || fail "runbook 03: the restore ended $(jq -c . <<<"$finished")"
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "runbook 03: the restore did not bring the rows back"
log "runbook 03: restore $(jq -c '{phase, preRestoreBackupId}' <<<"$finished"); rows back: 2"

log "runbook 06: rotate the app's credentials"
rotated=$(rb "curl -s -X POST -H \"Authorization: Bearer \$TOKEN\" -H 'Content-Type: application/json' -d '{\"mode\":\"immediate\"}' http://127.0.0.1:8081/api/databases/$db_id/rotate-credentials")
new_pass=$(jq -r .credentials.password <<<"$rotated")
[ "${new_pass:-null}" != null ] && [ "$new_pass" != "$pass" ] || fail "runbook 06: no new password: $(jq -c 'del(.credentials, .connection)' <<<"$rotated")"
if pooled 'SELECT 1' >/dev/null 2>&1; then fail "runbook 06: the old password still opens the database through PgBouncer"; fi
pass=$new_pass
[ "$(pooled 'SELECT count(*) FROM orders')" = 2 ] || fail "runbook 06: the new password does not open the database"
log "runbook 06: the old password is refused through PgBouncer, the new one works"
log "runbook 09: move an app from an external database into Berth"
# The "external" server: a database and its owner made outside Berth (here on the same cluster, by its superuser).
in_host_i runuser -u postgres -- psql -XAq -v ON_ERROR_STOP=1 -d postgres <<<"SET log_statement = none; CREATE ROLE legacy LOGIN PASSWORD 'legacy-Old-Pw-9'; CREATE DATABASE legacy OWNER legacy;"
in_host_i sh -c 'umask 077; cat > /root/.pgpass' <<<"127.0.0.1:5432:legacy:legacy:legacy-Old-Pw-9"
in_host psql -XAq -v ON_ERROR_STOP=1 -h 127.0.0.1 -U legacy -d legacy -c "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
    INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 250) g;
    CREATE VIEW recent AS SELECT * FROM customers WHERE id > 200;" >/dev/null
in_host pg_dump -Fc -h 127.0.0.1 -U legacy -d legacy -f /root/legacy.dump
moved=$(rb "curl -s -X POST -H \"Authorization: Bearer \$TOKEN\" -H 'Content-Type: application/json' -d '{\"app\":\"legacy\"}' http://127.0.0.1:8081/api/databases")
moved_id=$(jq -r .id <<<"$moved")
[ "${moved_id:-null}" != null ] || fail "runbook 09: no Berth database for legacy: $(jq -c 'del(.credentials, .connection)' <<<"$moved")"
imported=$(rb "curl -s -X POST -H \"Authorization: Bearer \$TOKEN\" -H 'Content-Type: application/octet-stream' --data-binary @/root/legacy.dump 'http://127.0.0.1:8083/api/databases/$moved_id/imports?target=in-place'")
import_job=$(jq -r .restore.id <<<"$imported")
import_done=$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" 'http://127.0.0.1:8083/api/restores/$import_job?waitSeconds=300'")
[ "$(jq -r .phase <<<"$import_done")" = COMPLETED ] || fail "runbook 09: the import ended $(jq -c . <<<"$import_done") ($imported)"
moved_uri=$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8081/api/databases/$moved_id/credentials" | jq -r .connection.uri)
moved_uri=${moved_uri/host.containers.internal/127.0.0.1}
[ "$(in_host psql -XAt "$moved_uri" -c 'SELECT count(*), max(id) FROM customers')" = "250|250" ] \
    || fail "runbook 09: the rows did not arrive in Berth's database"
[ "$(in_host psql -XAt "$moved_uri" -c 'SELECT count(*) FROM recent')" = 50 ] || fail "runbook 09: the view did not arrive"
in_host psql -XAq "$moved_uri" -c "INSERT INTO customers VALUES (251, 'written by the moved app')" \
    || fail "runbook 09: the app's new role cannot write its tables"
log "runbook 09: legacy (250 rows, a view) imported into $(jq -r .database <<<"$moved") ($(jq -r .backup.sizeBytes <<<"$imported") B dump); the app's new DATABASE_URL reads and writes it"
log "runbook 05: rotate the vault's master key, then the internal key pair"
vault_before=$(in_host sha256sum /etc/berth/vault/vault.key | cut -d' ' -f1)
rotation=$(rb "curl -s -X POST -H \"Authorization: Bearer \$(/opt/berth/current/bin/berth-token service 60)\" http://127.0.0.1:8082/internal/vault/rotate-key")
[ "$(jq -r '.resealed' <<<"$rotation")" -ge 1 ] || fail "runbook 05: the vault rotation resealed nothing: $rotation"
[ "$(in_host sha256sum /etc/berth/vault/vault.key | cut -d' ' -f1)" != "$vault_before" ] || fail "runbook 05: vault.key unchanged"
in_host stat -c '%a %U' /etc/berth/vault/vault.key | grep -qx '600 berth' || fail "runbook 05: vault.key is not 0600 berth"
revealed=$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8081/api/databases/$db_id/credentials")
[ "$(jq -r .credentials.password <<<"$revealed")" = "$pass" ] || fail "runbook 05: the credentials did not survive the vault rotation"
log "runbook 05: vault key rotated ($(jq -c . <<<"$rotation")); the app's credentials still read back"
key_before=$(in_host sha256sum /etc/berth/keys/internal-public.pem | cut -d' ' -f1)
in_host systemctl stop berth@gateway berth@backup berth@provisioner berth@registry
in_host rm /etc/berth/keys/internal-private.pem /etc/berth/keys/internal-public.pem
in_host runuser -u berth -- /opt/berth/current/bin/berth-tool keys /etc/berth/keys
in_host systemctl start berth.target
health "the internal key pair's rotation"
[ "$(in_host sha256sum /etc/berth/keys/internal-public.pem | cut -d' ' -f1)" != "$key_before" ] || fail "runbook 05: same key pair"
old_session=$(in_host curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" http://127.0.0.1:8080/api/databases)
[ "$old_session" = 401 ] || fail "runbook 05: a session signed with the old key answered $old_session, not 401"
[ "$(rb "curl -s -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8081/api/databases/$db_id" | jq -r .app)" = shop ] \
    || fail "runbook 05: a token from the new key is not accepted"
log "runbook 05: new key pair in use; a session signed with the old one gets 401, people sign in again"
log "uninstall --purge, then a fresh install on the clean host"
if in_host /src/install/uninstall.sh --purge </dev/null >"$WORK/purge-refused.out" 2>&1; then
    fail "--purge ran without a terminal and without --yes"
fi
grep -q 'run it on a terminal, or add --yes' "$WORK/purge-refused.out" || { cat "$WORK/purge-refused.out"; fail "no clear refusal"; }
in_host systemctl is-active --quiet berth@registry || fail "a refused --purge stopped Berth"
in_host /src/install/uninstall.sh --purge --yes >"$WORK/purge.out" 2>&1 || { cat "$WORK/purge.out"; fail "uninstall --purge failed"; }
[ -z "$(in_host pg_lsclusters -h | awk '$2 == "berth"')" ] || fail "--purge left the berth cluster"
for gone in /etc/berth /var/backups/berth /opt/berth /var/lib/berth/postgresql /var/lib/berth/kafka /etc/systemd/system/berth@.service; do
    in_host test ! -e "$gone" || fail "--purge left $gone"
done
for user in berth berth-kafka; do
    if in_host getent passwd "$user" >/dev/null; then fail "--purge left the user $user"; fi
done
if in_host systemctl is-active --quiet pgbouncer; then fail "--purge left PgBouncer running"; fi
if in_host ss -Htln | grep -qE ':(5432|6432|8080|9092) '; then in_host ss -Htln; fail "something still listens after --purge"; fi
in_host env BERTH_DISK_SCOPE=/dev/none /src/install/install.sh --yes --no-podman --single-disk >"$WORK/fresh.out" 2>&1 \
    || { cat "$WORK/fresh.out"; fail "an install after --purge failed"; }
fresh=$(sed -n 's/^First sign-in: user admin, password //p' "$WORK/fresh.out")
[ -n "$fresh" ] && [ "$fresh" != "$password" ] || fail "the install after --purge did not start afresh with a new admin"
[ "$(in_host curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$fresh\"}" \
    http://127.0.0.1:8080/api/auth/login | jq -r '.token | length > 20')" = true ] || fail "the new admin cannot sign in"
log "--purge: refused without a terminal or --yes; then cluster, data, keys, backups, units and users gone, nothing listening; a new install starts afresh"

log "--external-postgres: a second PostgreSQL cluster of the host (port 5499) stands in for the external server"
in_host /src/install/uninstall.sh --purge --yes >"$WORK/purge2.out" 2>&1 || { cat "$WORK/purge2.out"; fail "the second --purge failed"; }
in_host pg_createcluster 15 external -p 5499 --start >/dev/null || fail "could not make the stand-in external server"
ext_pw=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The passwords reach psql and the files on standard input, never on a command line.
in_host_i runuser -u postgres -- psql -X -q -p 5499 -v ON_ERROR_STOP=1 <<SQL || fail "could not make the external admins"
CREATE ROLE ext_admin LOGIN SUPERUSER PASSWORD '$ext_pw';
CREATE ROLE ext_small LOGIN CREATEDB CREATEROLE PASSWORD '$ext_pw';
SQL
printf '%s' "$ext_pw" | in_host_i sh -c 'umask 077; cat >/root/external.password'
printf 'not-the-password' | in_host_i sh -c 'umask 077; cat >/root/wrong.password'
external_install() {
    in_host env BERTH_DISK_SCOPE=/dev/none /src/install/install.sh --yes --no-podman \
        --external-postgres "postgresql://$1@127.0.0.1:5499/postgres" --external-postgres-password-file "$2"
}
if external_install ext_admin /root/wrong.password >"$WORK/ext-wrong.out" 2>&1; then fail "a wrong password was accepted"; fi
grep -q 'cannot connect to postgresql://ext_admin@127.0.0.1:5499/postgres' "$WORK/ext-wrong.out" \
    || { cat "$WORK/ext-wrong.out"; fail "a wrong external password was refused without a clear reason"; }
if external_install ext_small /root/external.password >"$WORK/ext-small.out" 2>&1; then fail "a non-superuser was accepted"; fi
grep -q 'the user is not a superuser' "$WORK/ext-small.out" \
    || { cat "$WORK/ext-small.out"; fail "a non-superuser admin was refused without a clear reason"; }
for made in /opt/berth /etc/berth /var/lib/berth/kafka; do
    in_host test ! -e "$made" || fail "a refused external install left $made"
done
if in_host getent passwd berth >/dev/null; then fail "a refused external install made the user berth"; fi
log "--external-postgres: a wrong password and a non-superuser are refused with the reason, before anything is made"

external_install ext_admin /root/external.password >"$WORK/ext.out" 2>&1 || { cat "$WORK/ext.out"; fail "the install with --external-postgres failed"; }
for unit in berth-kafka berth@registry berth@provisioner berth@backup berth@gateway; do
    in_host systemctl is-active --quiet "$unit" || fail "$unit is not active after the external install"
done
health "an install with --external-postgres"
[ -z "$(in_host pg_lsclusters -h | awk '$2 == "berth"')" ] || fail "an external install made a local berth cluster"
[ "$(in_host runuser -u postgres -- psql -XAt -p 5499 -c "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname IN ('berth_registry', 'berth_provisioner', 'berth_backup', 'berth_gateway')")" \
    = berth_backup,berth_gateway,berth_provisioner,berth_registry ] || fail "Berth's catalogs are not on the external server"
ext_admin_pw=$(sed -n 's/^First sign-in: user admin, password //p' "$WORK/ext.out")
token=$(in_host curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ext_admin_pw\"}" http://127.0.0.1:8080/api/auth/login | jq -r .token)
ext_db=$(api -X POST -d '{"app":"extshop"}' http://127.0.0.1:8080/api/databases)
ext_name=$(jq -r .database <<<"$ext_db")
[ "$(in_host env PGPASSWORD="$(jq -r .credentials.password <<<"$ext_db")" psql -XAt -h 127.0.0.1 -p 5499 \
    -U "$(jq -r .credentials.username <<<"$ext_db")" -d "$ext_name" \
    -c 'CREATE TABLE t (id int); INSERT INTO t VALUES (1); SELECT count(*) FROM t' | tail -1)" = 1 ] \
    || fail "the database made through the API is not usable on the external server: $(jq -c 'del(.credentials)' <<<"$ext_db")"
in_host systemctl start berth-catalog-backup.service || fail "the catalog backup failed on an external install"
in_host sh -c 'ls /var/backups/berth/catalogs/*/berth_registry.dump /var/backups/berth/catalogs/*/globals.sql' >/dev/null \
    || fail "no catalog dump from the external server"
external_install ext_admin /root/external.password >"$WORK/ext-second.out" 2>&1 \
    || { cat "$WORK/ext-second.out"; fail "a second external install failed"; }
grep -q 'nothing to change' "$WORK/ext-second.out" || { cat "$WORK/ext-second.out"; fail "a second external install changed something"; }
if in_host /src/install/restore-host.sh --yes >"$WORK/ext-restore.out" 2>&1; then fail "restore-host.sh ran on an external install"; fi
grep -q 'not on a data disk of this host' "$WORK/ext-restore.out" || { cat "$WORK/ext-restore.out"; fail "restore-host.sh gave no reason"; }
log "--external-postgres: catalogs and $ext_name on the external server, no local cluster, catalog dumps from it, a second run changes nothing, restore-host.sh says why it does not apply"
log "PASSED"
