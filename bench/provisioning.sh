#!/usr/bin/env bash
# Provisioning speed: N databases through POST /api/databases versus the same N made by hand
# (CREATE ROLE + CREATE DATABASE + REVOKE over one psql connection), in the same run, on the same server.
# Prints p50 of each and the ratios, with the warm pool off, on (burst) and on (paced: each request waits
# until the pool holds a database, as app deploys arriving seconds apart would find it).
# Then: LIST_N databases in the catalog and the p99 of GET /api/databases (page of 50).
#
# Needs a running suite (./berth up). Usage: bench/provisioning.sh [N] [LIST_N]
# Leaves nothing behind: every database it made is deleted through the API or dropped by hand.
set -euo pipefail

N=${1:-50}
LIST_N=${2:-500}
HOME_DIR=${BERTH_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.local/share/berth")}
API=${BERTH_REGISTRY_URL:-http://127.0.0.1:8081}
PG_PORT=$(grep -h '^BERTH_DB_PORT=' "$HOME_DIR/run/registry/.env" | cut -d= -f2)
export PGPASSWORD; PGPASSWORD=$(cat "$HOME_DIR/postgres/admin.password")
PSQL=(psql -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
RUN=b$(date +%s | tail -c 6)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
# The services want an internal token (admin) on every call: one from ./berth token, in curl's own config file.
printf 'header = "Authorization: Bearer %s"\n' "$("$(dirname "$0")/../berth" token admin 7200)" > "$TMP/.curlrc"
export CURL_HOME=$TMP

p() { # percentile of the numbers in file $1 (one per line), $2 in 0..100
  sort -n "$1" | awk -v q="$2" '{a[NR]=$1} END {i=int((q/100)*NR+0.999999); if (i<1) i=1; printf "%.1f", a[i]}'
}

api_create() { # app warmPool → prints ms; the id goes to $TMP/ids
  local out ms
  out=$(curl -s -o "$TMP/body" -w '%{http_code} %{time_total}' -X POST "$API/api/databases" \
    -H 'content-type: application/json' -d "{\"app\":\"$1\",\"warmPool\":$2}")
  [ "${out%% *}" = 201 ] || { echo "create $1 failed: $out $(cat "$TMP/body")" >&2; exit 1; }
  grep -o "\"id\":\"[0-9a-f-]\{36\}\"" "$TMP/body" | head -1 | cut -d\" -f4 >> "$TMP/ids"
  awk -v t="${out#* }" 'BEGIN {printf "%.2f\n", t*1000}'
}

pool_ready() { "${PSQL[@]}" -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'berth\_pool\_%'"; }

# The raw baseline runs on ONE psql connection kept open for the whole run, and alternates with the API requests,
# so both meet the same server state (WAL, checkpoints, caches): CREATE DATABASE alone varies 2x over minutes here.
coproc RAWPSQL { "${PSQL[@]}" 2>&1; }
echo '\timing on' >&"${RAWPSQL[1]}"
RAW_MADE=()
raw_one() { # name → ms of CREATE ROLE + CREATE DATABASE + REVOKE
  local line total=0
  printf '%s\n' "CREATE ROLE $1 LOGIN PASSWORD 'x${RANDOM}y';" "CREATE DATABASE $1 OWNER $1;" \
    "REVOKE ALL ON DATABASE $1 FROM PUBLIC;" '\echo raw-done' >&"${RAWPSQL[1]}"
  while read -r line <&"${RAWPSQL[0]}"; do
    case "$line" in
      Time:*) total=$(awk -v a="$total" -v b="${line#Time: }" 'BEGIN {printf "%.3f", a + b}') ;;
      raw-done) break ;;
      *ERROR*) echo "raw: $line" >&2; exit 1 ;;
    esac
  done
  RAW_MADE+=("$1")
  printf '%.2f\n' "$total"
}

raw_cleanup() {
  local name
  for name in "${RAW_MADE[@]}"; do echo "DROP DATABASE $name; DROP ROLE $name;"; done | "${PSQL[@]}" >/dev/null
  RAW_MADE=()
}

cleanup_api() { # deletes every database api_create made
  local id code
  while read -r id; do
    code=$(curl -s -o /dev/null -w "%{http_code}" -X DELETE "$API/api/databases/$id")
    [ "$code" = 204 ] || echo "cleanup: DELETE $id answered $code" >&2
  done < "$TMP/ids"
  : > "$TMP/ids"
}

echo "berth bench: provisioning, N=$N, run $RUN"
[ "${BENCH_DEBUG:-}" ] && set -x
: > "$TMP/ids"; : > "$TMP/raw_off"; : > "$TMP/off"; : > "$TMP/raw_paced"; : > "$TMP/paced"
for i in $(seq 1 "$N"); do
  raw_one "raw_${RUN}_o$i" >> "$TMP/raw_off"
  api_create "${RUN}_off_$i" false >> "$TMP/off"
done
cleanup_api; raw_cleanup
for i in $(seq 1 "$N"); do api_create "${RUN}_burst_$i" true; done > "$TMP/burst"
cleanup_api
for i in $(seq 1 "$N"); do
  # Paced: like app deploys arriving seconds apart, each request finds a ready pool database; the raw triple runs
  # in the same quiet moment (after the refill, before the request).
  for _ in $(seq 1 100); do [ "$(pool_ready)" -ge 4 ] && break; sleep 0.1; done
  raw_one "raw_${RUN}_p$i" >> "$TMP/raw_paced"
  api_create "${RUN}_paced_$i" true >> "$TMP/paced"
done
cleanup_api; raw_cleanup

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
raw_off=$(p "$TMP/raw_off" 50); raw_paced=$(p "$TMP/raw_paced" 50)
off=$(p "$TMP/off" 50); burst=$(p "$TMP/burst" 50); paced=$(p "$TMP/paced" 50)
raw=$raw_off
echo "raw_ms_p50=$raw_off (alternating with pool=off) / $raw_paced (alternating with pool=paced)"
echo "pool=off    api_ms_p50=$off ratio=$(ratio "$off" "$raw_off")    (target <= 1.25)"
echo "pool=burst  api_ms_p50=$burst ratio=$(ratio "$burst" "$raw_off")  (back-to-back requests drain the pool)"
echo "pool=paced  api_ms_p50=$paced ratio=$(ratio "$paced" "$raw_paced")   (target <= 0.5)"

if [ "$LIST_N" -gt 0 ]; then
  echo "catalog of $LIST_N databases:"
  for i in $(seq 1 "$LIST_N"); do api_create "${RUN}_list_$i" false >/dev/null; done
  : > "$TMP/list"
  for _ in $(seq 1 200); do
    curl -s -o /dev/null -w '%{time_total}\n' "$API/api/databases?size=50&page=$((RANDOM % 10))" \
      | awk '{printf "%.2f\n", $1*1000}' >> "$TMP/list"
  done
  echo "list_ms_p50=$(p "$TMP/list" 50) list_ms_p99=$(p "$TMP/list" 99) (200 requests, page size 50)"
  : > "$TMP/rec"; : > "$TMP/inv"
  for _ in $(seq 1 10); do
    curl -s -o /dev/null -w '%{time_total}\n' -X POST "$API/api/reconciliation" | awk '{printf "%.2f\n", $1*1000}' >> "$TMP/rec"
    # Raw floor: the two catalog queries the reconciler needs, over a fresh psql connection.
    { echo '\timing on'; echo 'SELECT datname FROM pg_database;'; echo 'SELECT rolname FROM pg_roles;'; } \
      | "${PSQL[@]}" | awk '/^Time:/ {s+=$2} END {printf "%.2f\n", s}' >> "$TMP/inv"
  done
  rec=$(p "$TMP/rec" 50); inv=$(p "$TMP/inv" 50)
  echo "reconcile_ms_p50=$rec raw_inventory_ms_p50=$inv ratio=$(ratio "$rec" "$inv") (10 cycles, $LIST_N+ databases)"
  cleanup_api
fi
