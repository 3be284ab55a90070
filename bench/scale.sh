#!/usr/bin/env bash
# Berth at N app databases (default 1,000) on one PostgreSQL instance, each figure next to a raw baseline measured in
# the same run on the same server:
#
#   create, sequential   SEQ databases (default 60) one after the other through POST /api/databases, vs the same
#                        number of CREATE ROLE + CREATE DATABASE + REVOKE on one psql connection
#   create, concurrent   the rest with C clients (default 8) at once, vs the same DDL from C psql sessions at once;
#                        both in 3 alternating rounds (median and spread of the ratio); target ≥ 0.8× raw throughput
#   list                 GET /api/databases?size=50 (random pages) through the gateway, 200 requests: p50/p99
#                        (target p99 ≤ 50 ms), and straight to the registry
#   reconciler           POST /api/reconciliation, 5 cycles (target ≤ 1 s), vs the two catalog queries it needs
#   stats cycle          one sampling of every database (the registry's berth_samples_cycle_seconds), up to 75 s wait
#   backup round         every database due at once (global cron set to every minute, then put back): from the
#                        first queued to the last completed, vs raw `pg_dump -Fc > file` of each (as Berth streams it,
#                        without pg_dump's own fsync of an -f file) with the same parallelism
#                        (target ≤ 1.2 × sum of raw times ÷ parallelism)
#   RSS                  each service after all of the above
#   delete               all N through DELETE /api/databases/{id} with C clients
#
# Needs a running suite (./berth up) as root. Leaves nothing behind: databases, raw copies, dumps and backups go.
# The dashboard's list time at this size: DBS=1000 bench/dashboard.sh.
# Usage: bench/scale.sh [N] [C]
set -euo pipefail

N=${1:-1000}
C=${2:-8}
SEQ=${SEQ:-60}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR=${BERTH_HOME:-/var/lib/berth}
REG=${BERTH_REGISTRY_URL:-http://127.0.0.1:8081}
GW=${BERTH_GATEWAY_URL:-http://127.0.0.1:8080}
BACKUP=${BERTH_BACKUP_URL:-http://127.0.0.1:8083}
PG_PORT=$(grep -h '^BERTH_DB_PORT=' "$HOME_DIR/run/registry/.env" | cut -d= -f2)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export PGPASSWORD PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
PGPASSWORD=$(cat "$HOME_DIR/postgres/admin.password")
PSQL=("$BIN/psql" -X -q -A -t -d postgres)
RUN=s$(date +%s | tail -c 6)
TMP=$(mktemp -d)
PARALLELISM=$(grep -h "^BERTH_BACKUP_PARALLELISM=" "$HOME_DIR/run/backup/.env" 2>/dev/null | cut -d= -f2 || true)
PARALLELISM=${PARALLELISM:-2}
# Tokens in curl's own config files, never on a command line: the internal admin token for the services, a person's
# token for the gateway.
INTERNAL=$("$ROOT/berth" token admin 7200)
printf 'header = "Authorization: Bearer %s"\n' "$INTERNAL" > "$TMP/internal.curlrc"
reg() { curl -sf -K "$TMP/internal.curlrc" "$@"; }
export -f reg; export TMP REG

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
p() { sort -n "$1" | awk -v q="$2" '{a[NR]=$1} END {i=int((q/100)*NR+0.999999); if (i<1) i=1; printf "%.1f", a[i]}'; }
med() { sort -n | awk '{v[NR]=$1} END {printf "%.2f [%.2f–%.2f]", v[int((NR+1)/2)], v[1], v[NR]}'; }

cleanup() {
  set +e
  [ -f "$TMP/settings" ] && reg -o /dev/null -X PUT -H 'content-type: application/json' -d @"$TMP/settings" \
    "$BACKUP/api/backup-settings"
  if [ -s "$TMP/ids" ]; then
    echo "cleaning up: $(wc -l < "$TMP/ids") databases and their backups"
    # shellcheck disable=SC2016 # expanded by the inner shell
    xargs -P "$C" -I{} bash -c 'for b in $(reg "$BACKUP/api/databases/{}/backups" | grep -o "\"id\":\"[0-9a-f-]\{36\}\"" | cut -d\" -f4); do
        reg -o /dev/null -X DELETE "$BACKUP/api/databases/{}/backups/$b"; done' < "$TMP/ids"
  fi
  "${PSQL[@]}" -c "SELECT datname FROM pg_database WHERE datname LIKE 'raw\_${RUN}\_%'" \
    | awk '{print "DROP DATABASE " $1 "; DROP ROLE " $1 ";"}' | "${PSQL[@]}" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
export BACKUP

# ---- creation --------------------------------------------------------------------------------------------------
# The API side is one curl process for a whole batch (keep-alive connections, C transfers at once), as the raw side
# is one psql session per client: neither pays a process start per database.
api_batch() { # first count clients → seconds; latencies appended to $TMP/create_ms, ids to $TMP/ids
  local i start
  rm -rf "$TMP/b"; mkdir -p "$TMP/b"
  for i in $(seq "$1" $(( $1 + $2 - 1 ))); do
    [ "$i" = "$1" ] || echo next
    printf 'silent\nurl = "%s/api/databases"\nheader = "Authorization: Bearer %s"\nheader = "content-type: application/json"\n' \
      "$REG" "$INTERNAL"
    printf 'data = "{\\"app\\":\\"scale\\",\\"environment\\":\\"%sc%d\\"}"\noutput = "%s/b/%d.json"\n' "$RUN" "$i" "$TMP" "$i"
    printf 'write-out = "%%{http_code} %%{time_total}\\n"\n'
  done > "$TMP/batch.curlrc"
  start=$(now)
  curl -s --parallel --parallel-max "$3" -K "$TMP/batch.curlrc" > "$TMP/batch.out" 2> "$TMP/batch.err" || true
  elapsed "$start" "$(now)"
  if grep -qv '^201 ' "$TMP/batch.out"; then
    echo "creates failed: $(grep -v '^201 ' "$TMP/batch.out" | sort | uniq -c | head -3)" >&2
    cat "$TMP"/b/*.json | grep -v '"id"' | head -3 >&2
  fi
  awk '$1 == 201 {printf "%.2f\n", $2*1000}' "$TMP/batch.out" >> "$TMP/create_ms"
  for i in "$TMP"/b/*.json; do grep -o '"id":"[0-9a-f-]\{36\}"' "$i" | head -1 | cut -d\" -f4; done >> "$TMP/ids"
}

raw_sql() { # from to → the DDL of raw databases from..to
  local i
  for i in $(seq "$1" "$2"); do
    echo "CREATE ROLE raw_${RUN}_$i LOGIN PASSWORD 'x${RANDOM}y'; CREATE DATABASE raw_${RUN}_$i OWNER raw_${RUN}_$i;"
    echo "REVOKE ALL ON DATABASE raw_${RUN}_$i FROM PUBLIC;"
  done
}

raw_drop() {
  "${PSQL[@]}" -c "SELECT datname FROM pg_database WHERE datname LIKE 'raw\_${RUN}\_%'" \
    | awk '{print "DROP DATABASE " $1 "; DROP ROLE " $1 ";"}' | "${PSQL[@]}" >/dev/null
}

raw_concurrent() { # first count clients → seconds for count databases made by `clients` sessions at once
  local first=$1 count=$2 clients=$3 per start c pids=()
  per=$(( (count + clients - 1) / clients ))
  for c in $(seq 0 $((clients - 1))); do
    local from=$(( first + c * per )) to=$(( first + (c + 1) * per - 1 ))
    [ "$to" -ge $(( first + count )) ] && to=$(( first + count - 1 ))
    raw_sql "$from" "$to" > "$TMP/raw.$c.sql"
  done
  start=$(now)
  for c in $(seq 0 $((clients - 1))); do "${PSQL[@]}" -v ON_ERROR_STOP=1 -f "$TMP/raw.$c.sql" & pids+=($!); done
  for c in "${pids[@]}"; do wait "$c"; done
  elapsed "$start" "$(now)"
}

: > "$TMP/ids"; : > "$TMP/create_ms"; : > "$TMP/seq_ratio"; : > "$TMP/conc_ratio"
echo "berth bench: scale, N=$N, $C concurrent clients, run $RUN"
made=0
for round in 1 2 3; do
  n=$(( SEQ / 3 ))
  raw=$(raw_concurrent $(( made + 1 )) "$n" 1); raw_drop
  api=$(api_batch $(( made + 1 )) "$n" 1)
  made=$(( made + n ))
  echo "  sequential round $round: $n databases, raw $(printf '%.1f' "$(echo "$n / $raw" | bc -l)")/s, API $(printf '%.1f' "$(echo "$n / $api" | bc -l)")/s"
  echo "$raw / $api" | bc -l >> "$TMP/seq_ratio"
done
seq_ms=$(p "$TMP/create_ms" 50)
: > "$TMP/create_ms"
rest=$(( N - made ))
for round in 1 2 3; do
  n=$(( round < 3 ? rest / 3 : rest - 2 * (rest / 3) ))
  raw=$(raw_concurrent $(( made + 1 )) "$n" "$C"); raw_drop
  api=$(api_batch $(( made + 1 )) "$n" "$C")
  made=$(( made + n ))
  echo "  concurrent round $round: $n databases, raw $(printf '%.1f' "$(echo "$n / $raw" | bc -l)")/s, API $(printf '%.1f' "$(echo "$n / $api" | bc -l)")/s"
  echo "$raw / $api" | bc -l >> "$TMP/conc_ratio"
done
echo "create, sequential: API/raw throughput $(med < "$TMP/seq_ratio")×, API p50 $seq_ms ms"
echo "create, $C concurrent: API/raw throughput $(med < "$TMP/conc_ratio")× (target ≥ 0.8), API p50 $(p "$TMP/create_ms" 50) ms, p99 $(p "$TMP/create_ms" 99) ms"
total=$(reg "$REG/api/databases?size=1" | sed 's/.*"total":\([0-9]*\).*/\1/')
echo "catalog: $total databases"

# ---- list ------------------------------------------------------------------------------------------------------
PASSWORD=$(cat "$HOME_DIR/secrets/admin.password")
login() { curl -sf -H 'content-type: application/json' -d @- "$GW/api/auth/login" | sed 's/.*"token":"\([^"]*\)".*/\1/'; }
ADMIN=$(printf '{"username":"admin","password":"%s"}' "$PASSWORD" | login)
printf 'header = "Authorization: Bearer %s"\n' "$ADMIN" > "$TMP/gw.curlrc"
pages=$(( (total + 49) / 50 ))
: > "$TMP/list_gw"; : > "$TMP/list_reg"
for _ in $(seq 1 200); do
  page=$(( RANDOM % pages ))
  curl -sf -K "$TMP/gw.curlrc" -o /dev/null -w '%{time_total}\n' "$GW/api/databases?size=50&page=$page" \
    | awk '{printf "%.2f\n", $1*1000}' >> "$TMP/list_gw"
  curl -sf -K "$TMP/internal.curlrc" -o /dev/null -w '%{time_total}\n' "$REG/api/databases?size=50&page=$page" \
    | awk '{printf "%.2f\n", $1*1000}' >> "$TMP/list_reg"
done
echo "list, page of 50 of $total: gateway p50 $(p "$TMP/list_gw" 50) ms, p99 $(p "$TMP/list_gw" 99) ms (target ≤ 50); registry p50 $(p "$TMP/list_reg" 50) ms, p99 $(p "$TMP/list_reg" 99) ms"

# ---- reconciler ------------------------------------------------------------------------------------------------
: > "$TMP/rec"; : > "$TMP/inv"
for _ in 1 2 3 4 5; do
  reg -X POST "$REG/api/reconciliation" | grep -o '"elapsedMillis":[0-9]*' | cut -d: -f2 >> "$TMP/rec"
  { echo '\timing on'; echo 'SELECT datname FROM pg_database;'; echo 'SELECT rolname FROM pg_roles;'; } \
    | "${PSQL[@]}" | awk '/^Time:/ {s+=$2} END {printf "%.2f\n", s}' >> "$TMP/inv"
done
echo "reconciler cycle: $(med < "$TMP/rec") ms (target ≤ 1000), its two catalog queries alone $(med < "$TMP/inv") ms"

# ---- stats cycle -----------------------------------------------------------------------------------------------
samples() { curl -sf "$REG/q/metrics" | awk '/^berth_samples_cycle_seconds_count/ {c=$2} /^berth_samples_cycle_seconds_sum/ {s=$2} END {print c+0, s+0}'; }
read -r c0 s0 < <(samples)
for _ in $(seq 1 75); do read -r c1 s1 < <(samples); [ "${c1%.*}" -gt "${c0%.*}" ] && break; sleep 1; done
if [ "${c1%.*}" -gt "${c0%.*}" ]; then
  echo "stats cycle: $(echo "($s1 - $s0) * 1000 / ($c1 - $c0)" | bc -l | xargs printf '%.0f') ms for every database"
else
  echo "stats cycle: none ran within 75 s"
fi

# ---- backup round ----------------------------------------------------------------------------------------------
reg "$BACKUP/api/backup-settings" > "$TMP/settings.now"
sed 's/.*"enabled":\([a-z]*\).*"cron":"\([^"]*\)".*/{"enabled":\1,"cron":"\2"}/' "$TMP/settings.now" > "$TMP/settings"
BACKUP_DB_PSQL=("${PSQL[@]}")
BACKUP_DB_PSQL[-1]=berth_backup
t0=$("${PSQL[@]}" -c "SELECT now()")
reg -o /dev/null -X PUT -H 'content-type: application/json' -d '{"enabled":true,"cron":"* * * * *"}' \
  "$BACKUP/api/backup-settings"
echo "backup round: waiting for $total scheduled backups (parallelism $PARALLELISM)"
for _ in $(seq 1 1800); do
  done_n=$("${BACKUP_DB_PSQL[@]}" -c "SELECT count(*) FROM backups WHERE reason = 'scheduled' AND status <> 'running' AND started_at >= '$t0'")
  [ "$done_n" -ge "$total" ] && break
  sleep 1
done
# Back to the operator's schedule before anything else: the next minute would start another round.
reg -o /dev/null -X PUT -H 'content-type: application/json' -d @"$TMP/settings" "$BACKUP/api/backup-settings"
read -r round failed < <("${BACKUP_DB_PSQL[@]}" -F ' ' -c "SELECT extract(epoch FROM max(finished_at) - min(started_at)),
  count(*) FILTER (WHERE status = 'failed') FROM (SELECT DISTINCT ON (database_id) * FROM backups
  WHERE reason = 'scheduled' AND started_at >= '$t0' ORDER BY database_id, started_at) first")
mkdir -p "$TMP/dumps"
REGISTRY_DB_PSQL=("${PSQL[@]}")
REGISTRY_DB_PSQL[-1]=berth_registry
# The same databases the round backed up: every ready one in the catalog.
"${REGISTRY_DB_PSQL[@]}" -c "SELECT database_name FROM app_databases WHERE status = 'ready'" > "$TMP/dbnames"
start=$(now)
# shellcheck disable=SC2016 # expanded by the inner shell
xargs -P "$PARALLELISM" -I{} bash -c 's=$(date +%s%N); '"$BIN"'/pg_dump -Fc -d {} > '"$TMP"'/dumps/{}.dump; echo $(( ($(date +%s%N) - s) / 1000000 ))' \
  < "$TMP/dbnames" > "$TMP/dump_ms"
raw_wall=$(elapsed "$start" "$(now)")
raw_sum=$(awk '{s+=$1} END {printf "%.2f", s/1000}' "$TMP/dump_ms")
rm -rf "$TMP/dumps"
echo "backup round of $total: $(printf '%.1f' "$round") s ($failed failed); raw pg_dump of $(wc -l < "$TMP/dbnames") with $PARALLELISM at once: wall $(printf '%.1f' "$raw_wall") s, sum ${raw_sum} s ÷ $PARALLELISM = $(echo "$raw_sum / $PARALLELISM" | bc -l | xargs printf '%.1f') s; ratio $(echo "$round / ($raw_sum / $PARALLELISM)" | bc -l | xargs printf '%.2f') (target ≤ 1.2)"

# ---- RSS -------------------------------------------------------------------------------------------------------
for svc in registry provisioner backup gateway; do
  printf '%s %s MiB  ' "$svc" "$(( $(awk '/^Rss:/ {print $2}' "/proc/$(cat "$HOME_DIR/run/$svc/pid")/smaps_rollup") / 1024 ))"
done
echo "(RSS at $total databases)"

# ---- delete ----------------------------------------------------------------------------------------------------
start=$(now)
# shellcheck disable=SC2016
xargs -P "$C" -I{} bash -c 'reg -o /dev/null -X DELETE "$REG/api/databases/{}?policy=delete"' < "$TMP/ids"
echo "delete $(wc -l < "$TMP/ids") with $C clients: $(printf '%.1f' "$(elapsed "$start" "$(now)")") s"
