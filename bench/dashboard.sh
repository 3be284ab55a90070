#!/usr/bin/env bash
# The dashboard and the gateway in front of it, each figure next to a raw baseline measured in the same run:
#
#   gateway overhead   GET /api/databases through the gateway vs straight to the registry (internal token), wrk at
#                      1 and 32 connections, 10 s each, 3 runs: added p50 and p99 (targets ≤ 2 ms and ≤ 5 ms)
#   first load         bytes over the wire for a signed-out first visit, compressed (target ≤ 300 KB)
#   list               navigation → all DBS databases in the list (target ≤ 1 s), vs the same API calls alone
#   live               backup completed (the event's commit time) → its row says completed (target p99 ≤ 250 ms),
#                      vs the event's arrival in the page
#
# Needs a running suite (./berth up) and the first administrator's password (BERTH_ADMIN_PASSWORD, or the file
# ./berth up wrote). Makes DBS databases (default 500) for the list and removes them after (KEEP=1 keeps them).
# PARTS=browser skips the wrk part, PARTS=gateway the browser (and then makes DBS=50 databases by default).
# Usage: bench/dashboard.sh [backups=20]
set -euo pipefail

BACKUPS=${1:-20}
DBS=${DBS:-$([ "${PARTS:-}" = gateway ] && echo 50 || echo 500)}
# The browser part drives Debian's Chromium (./berth test installs it; ./berth up does not): say so before making DBS
# databases, not after.
if [ "${PARTS:-gateway browser}" != gateway ] && ! command -v chromium >/dev/null; then
  echo "the browser figures need Chromium: apt-get install -y chromium (or PARTS=gateway)" >&2; exit 1
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR=${BERTH_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.local/share/berth")}
GW=${BERTH_GATEWAY_URL:-http://127.0.0.1:${BERTH_GATEWAY_PORT:-8080}}
REG=${BERTH_REGISTRY_URL:-http://127.0.0.1:${BERTH_REGISTRY_PORT:-8081}}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

# shellcheck source=bench/lib/person.sh
. "$ROOT/bench/lib/person.sh"
INTERNAL=$("$ROOT/berth" token admin 7200)
# Tokens go in files read by curl/wrk's Lua, never on a command line other users could read in ps.
printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" > "$TMP/gw.curlrc"
echo "$TOKEN" > "$TMP/gw.token"; echo "$INTERNAL" > "$TMP/reg.token"
printf 'header = "Authorization: Bearer %s"\n' "$INTERNAL" > "$TMP/reg.curlrc"
gw() { curl -sf -K "$TMP/gw.curlrc" "$@"; }
reg() { curl -sf -K "$TMP/reg.curlrc" "$@"; }

# ---- DBS databases for the list --------------------------------------------------------------------------------
existing=$(reg "$REG/api/databases?size=1" | sed 's/.*"total":\([0-9]*\).*/\1/')
want=$(( DBS > existing ? DBS - existing : 0 ))
echo "databases: $existing in the catalog; making $want more (app benchlist, environments b1…)"
for i in $(seq 1 "$want"); do
  reg -o /dev/null -H 'content-type: application/json' -d "{\"app\":\"benchlist\",\"environment\":\"b$i\"}" \
    "$REG/api/databases" || { echo "create $i failed" >&2; exit 1; }
done
# Every page of them (500 at most per page), so the clean-up below removes all it made.
: > "$TMP/made"
for page in $(seq 0 $(( (DBS - 1) / 500 ))); do
  reg "$REG/api/databases?app=benchlist&size=500&page=$page" | grep -o '"id":"[0-9a-f-]\{36\}","app"' | cut -d\" -f4 \
    >> "$TMP/made"
done
target=$(reg -H 'content-type: application/json' -d "{\"app\":\"benchlive$(date +%s)\"}" "$REG/api/databases" \
  | grep -o '"id":"[0-9a-f-]\{36\}"' | head -1 | cut -d\" -f4)

# ---- gateway overhead ------------------------------------------------------------------------------------------
if [ "${PARTS:-gateway browser}" != browser ]; then
cat > "$TMP/auth.lua" <<LUA
local f = io.open(os.getenv("TOKEN_FILE")); local t = f:read("*l"); f:close()
wrk.headers["Authorization"] = "Bearer " .. t
LUA
ms() { awk '{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}'; }
lat() { # url token-file connections → "p50 p99 rps"
  local out
  out=$(TOKEN_FILE=$2 wrk -t "$(( $3 > 1 ? 2 : 1 ))" -c "$3" -d 10s --latency -s "$TMP/auth.lua" "$1")
  echo "$(echo "$out" | grep -E '^ +50%' | ms) $(echo "$out" | grep -E '^ +99%' | ms) \
    $(echo "$out" | awk '/Requests\/sec/ {print $2}')"
}
# Both JVMs warm (JIT) before anything counts.
lat "$REG/api/databases" "$TMP/reg.token" 32 >/dev/null; lat "$GW/api/databases" "$TMP/gw.token" 32 >/dev/null
for c in 1 32; do
  for run in 1 2 3; do
    read -r dp50 dp99 drps < <(lat "$REG/api/databases" "$TMP/reg.token" "$c")
    read -r gp50 gp99 grps < <(lat "$GW/api/databases" "$TMP/gw.token" "$c")
    echo "$c $run $dp50 $dp99 $gp50 $gp99 $drps $grps" >> "$TMP/wrk"
    awk -v c="$c" -v r="$run" -v a="$dp50" -v b="$dp99" -v x="$gp50" -v y="$gp99" -v p="$drps" -v q="$grps" 'BEGIN {
      printf "  %2d conn, run %d: registry p50 %.2f p99 %.2f ms (%s/s) | gateway p50 %.2f p99 %.2f ms (%s/s) | added p50 %.2f p99 %.2f ms | gateway/registry p50 %.2f\n",
        c, r, a, b, p, x, y, q, x-a, y-b, x/a }'
  done
done
med() { sort -n | awk '{v[NR]=$1} END {printf "%.2f [%.2f–%.2f]", v[int((NR+1)/2)], v[1], v[NR]}'; }
for c in 1 32; do
  a50=$(awk -v c="$c" '$1 == c {print $5-$3}' "$TMP/wrk" | med)
  a99=$(awk -v c="$c" '$1 == c {print $6-$4}' "$TMP/wrk" | med)
  r50=$(awk -v c="$c" '$1 == c {print $5/$3}' "$TMP/wrk" | med)
  rps=$(awk -v c="$c" '$1 == c {print $8/$7}' "$TMP/wrk" | med)
  echo "gateway overhead, $c conn (median of 3 runs [min–max]): added p50 $a50 ms (target ≤ 2), added p99 $a99 ms (target ≤ 5), gateway/registry p50 $r50, throughput gateway/registry $rps (target ≥ 0.8 at 32)"
done

fi

# ---- the browser figures ---------------------------------------------------------------------------------------
if [ "${PARTS:-gateway browser}" != gateway ]; then
cd "$ROOT"
[ -d gateway-service/target/test-classes/dev/berth/gateway/bench ] || ./mvnw -q -o test-compile -pl gateway-service
./mvnw -q -o dependency:build-classpath -pl gateway-service -am -Dmdep.includeScope=test -Dmdep.outputFile="$TMP/cp" >/dev/null
java -cp "gateway-service/target/test-classes:gateway-service/target/classes:$(cat "$TMP/cp")" \
  dev.berth.gateway.bench.DashboardBench "$GW" "$TMP/gw.token" "$target" "$BACKUPS" 2>&1 | grep -vE '^(WARNING|SLF4J)'
fi

# ---- clean up --------------------------------------------------------------------------------------------------
reg -o /dev/null -X DELETE "$REG/api/databases/$target?policy=delete" || true
bench_person_remove
if [ "${KEEP:-}" != 1 ]; then
  while read -r id; do reg -o /dev/null -X DELETE "$REG/api/databases/$id?policy=delete" || true; done < "$TMP/made"
fi
