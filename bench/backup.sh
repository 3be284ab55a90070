#!/usr/bin/env bash
# Backup and restore throughput: a pgbench database (scale SCALE, ~15 MB per unit: 30 ≈ 450 MB) dumped with raw
# `pg_dump -Fc > file` and through Berth's API (POST …/backups, until completed), then restored with raw
# `pg_restore -j 2` into a fresh database and through Berth (POST …/restore target=new, until COMPLETED), all in
# the same run on the same server, alternating, ROUNDS times (default 3; medians printed). Prints seconds and throughput ratios raw_time / berth_time (target ≥ 0.9 both).
#
# Needs a running suite (./berth up). Usage: bench/backup.sh [SCALE]
# Leaves nothing behind: the app database, its copy and their backups are deleted again.
set -euo pipefail

SCALE=${1:-30}
HOME_DIR=${BERTH_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.local/share/berth")}
REGISTRY=${BERTH_REGISTRY_URL:-http://127.0.0.1:8081}
BACKUP=${BERTH_BACKUP_URL:-http://127.0.0.1:8083}
PG_PORT=$(grep -h '^BERTH_DB_PORT=' "$HOME_DIR/run/registry/.env" | cut -d= -f2)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export PGPASSWORD; PGPASSWORD=$(cat "$HOME_DIR/postgres/admin.password")
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
TMP=$(mktemp -d); APP_ID=; COPY_ID=
# The services want an internal token (admin) on every call: one from ./berth token, in curl's own config file.
printf 'header = "Authorization: Bearer %s"\n' "$("$(dirname "$0")/../berth" token admin 7200)" > "$TMP/.curlrc"
export CURL_HOME=$TMP
cleanup() {
  [ -n "$COPY_ID" ] && curl -s -o /dev/null -X DELETE "$REGISTRY/api/databases/$COPY_ID?policy=delete"
  if [ -n "$APP_ID" ]; then
    for b in $(curl -s "$BACKUP/api/databases/$APP_ID/backups" | grep -o '"id":"[0-9a-f-]\{36\}"' | cut -d\" -f4); do
      curl -s -o /dev/null -X DELETE "$BACKUP/api/databases/$APP_ID/backups/$b"; done
    curl -s -o /dev/null -X DELETE "$REGISTRY/api/databases/$APP_ID?policy=delete"
  fi
  "$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS bench_raw_restore" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d\" -f4; }

APP=bench$(date +%s | tail -c 6)
curl -s -X POST "$REGISTRY/api/databases" -H 'content-type: application/json' -d "{\"app\":\"$APP\"}" > "$TMP/db"
APP_ID=$(field id < "$TMP/db"); DB=$(field database < "$TMP/db")
[ -n "$APP_ID" ] || { echo "create failed: $(cat "$TMP/db")" >&2; exit 1; }
echo "loading pgbench scale $SCALE into $DB …"
"$BIN/pgbench" -i -q -s "$SCALE" -d "$DB" >/dev/null 2>&1
"$BIN/psql" -X -q -d "$DB" -c "ANALYZE" >/dev/null
SIZE=$("$BIN/psql" -X -A -t -d postgres -c "SELECT pg_database_size('$DB')")

quiet() { "$BIN/psql" -X -q -d postgres -c CHECKPOINT >/dev/null; sleep 1; } # same starting point for each timing
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

berth_backup() { # prints wall seconds; the backup id goes to $TMP/bid
  local t0 bid status
  t0=$(now)
  bid=$(curl -s -X POST "$BACKUP/api/databases/$APP_ID/backups" | field id)
  # One long-poll request instead of polling: no client traffic competes with the dump for the CPUs.
  status=$(curl -s -H 'accept: application/json' "$BACKUP/api/databases/$APP_ID/backups/$bid?waitSeconds=600" \
    | field status)
  [ "$status" = completed ] || { echo "backup ended $status" >&2; exit 1; }
  echo "$(now) - $t0" | bc; echo "$bid" > "$TMP/bid"
}

berth_restore() { # restores $1 into a new database, prints wall seconds, deletes the copy again
  local t0 job phase copy
  t0=$(now)
  job=$(curl -s -X POST "$BACKUP/api/databases/$APP_ID/restore" -H 'content-type: application/json' \
    -d "{\"backupId\":\"$1\",\"target\":\"new\",\"environment\":\"bench$2\"}" | field id)
  curl -s "$BACKUP/api/restores/$job?waitSeconds=600" > "$TMP/job"; phase=$(field phase < "$TMP/job")
  [ "$phase" = COMPLETED ] || { echo "restore ended: $(cat "$TMP/job")" >&2; exit 1; }
  echo "$(now) - $t0" | bc
  COPY_ID=$(field newDatabaseId < "$TMP/job")
  curl -s -o /dev/null -X DELETE "$REGISTRY/api/databases/$COPY_ID?policy=delete"; COPY_ID=
}

# Each figure is the median of ROUNDS runs (one run varies by ±15 % on a 2-core box), raw and Berth alternating.
ROUNDS=${ROUNDS:-3}
for r in $(seq 1 "$ROUNDS"); do
  quiet; t0=$(now); "$BIN/pg_dump" -Fc -d "$DB" > "$TMP/raw.dump"; echo "$(now) - $t0" | bc >> "$TMP/raw_dump"
  quiet; berth_backup >> "$TMP/api_dump"
done
BID=$(cat "$TMP/bid")
for r in $(seq 1 "$ROUNDS"); do
  "$BIN/psql" -X -q -d postgres -c "CREATE DATABASE bench_raw_restore" >/dev/null
  quiet; t0=$(now); "$BIN/pg_restore" -j 2 --exit-on-error -d bench_raw_restore "$TMP/raw.dump"
  echo "$(now) - $t0" | bc >> "$TMP/raw_restore"
  # Dropped at once: autovacuum on its fresh tables would otherwise compete with the next timing for the CPUs.
  "$BIN/psql" -X -q -d postgres -c "DROP DATABASE bench_raw_restore" >/dev/null
  quiet; berth_restore "$BID" "$r" >> "$TMP/api_restore"
done
RAW_DUMP=$(median < "$TMP/raw_dump"); API_DUMP=$(median < "$TMP/api_dump")
RAW_RESTORE=$(median < "$TMP/raw_restore"); API_RESTORE=$(median < "$TMP/api_restore")

printf 'database_mb=%d raw_dump_mb=%.1f\n' $((SIZE / 1048576)) "$(echo "$(stat -c %s "$TMP/raw.dump") / 1048576" | bc -l)"
printf 'rounds=%d (medians)\n' "$ROUNDS"
printf 'raw_dump_s=%.2f  berth_backup_s=%.2f   throughput_ratio=%.2f (target >= 0.9)\n' \
  "$RAW_DUMP" "$API_DUMP" "$(echo "$RAW_DUMP / $API_DUMP" | bc -l)"
printf 'raw_restore_s=%.2f  berth_restore_s=%.2f   throughput_ratio=%.2f (target >= 0.9)\n' \
  "$RAW_RESTORE" "$API_RESTORE" "$(echo "$RAW_RESTORE / $API_RESTORE" | bc -l)"
