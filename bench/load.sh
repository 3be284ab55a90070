#!/usr/bin/env bash
# A bounded mixed workload through the gateway at rising concurrency, next to the same workload straight to the
# services behind it (the raw baseline), measured in the same run, step by step in alternating order:
#
#   mix       50 % list (GET /api/databases?size=50, random page), 42 % one database (GET /api/databases/{id}),
#             3 % create, 3 % delete (of what the same user made), 2 % backup (at most one a second)
#   steps     closed-loop users, 1 2 4 8 16 32 64 by default, STEP_SECONDS (default 15) each, ROUNDS (default 3) rounds
#   figures   per step: requests/s, p50, p99 and p99 per operation, failures (5xx, resets, hangs past 120 s);
#             median of the rounds [min–max], gateway/direct throughput and the p99 the gateway adds; the knee (the
#             last step after which twice the users add under 10 % throughput)
#
# Bounded: after each step every database it made is deleted and every backup waited for and removed, so each step
# starts from the same catalog. Needs a running suite (./berth up) and the first administrator's password
# (BERTH_ADMIN_PASSWORD, or the file ./berth up wrote). Leaves nothing behind.
# Usage: bench/load.sh [steps=1,2,4,8,16,32,64]
set -euo pipefail

STEPS=${1:-1,2,4,8,16,32,64}
SECONDS_PER_STEP=${STEP_SECONDS:-15}
ROUNDS=${ROUNDS:-3}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR=${BERTH_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.local/share/berth")}
GW=${BERTH_GATEWAY_URL:-http://127.0.0.1:${BERTH_GATEWAY_PORT:-8080}}
REG=${BERTH_REGISTRY_URL:-http://127.0.0.1:${BERTH_REGISTRY_PORT:-8081}}
BACKUP=${BERTH_BACKUP_URL:-http://127.0.0.1:${BERTH_BACKUP_PORT:-8083}}
TMP=$(mktemp -d)
trap 'bench_person_remove 2>/dev/null; rm -rf "$TMP"' EXIT

# shellcheck source=bench/lib/person.sh
. "$ROOT/bench/lib/person.sh"
echo "$TOKEN" > "$TMP/person.token"
"$ROOT/berth" token admin 7200 > "$TMP/internal.token"

cd "$ROOT"
[ -f gateway-service/target/test-classes/dev/berth/gateway/bench/LoadBench.class ] || ./mvnw -q -o test-compile -pl gateway-service
./mvnw -q -o dependency:build-classpath -pl gateway-service -am -Dmdep.includeScope=test -Dmdep.outputFile="$TMP/cp" >/dev/null
echo "load: steps $STEPS users, $SECONDS_PER_STEP s each, $ROUNDS rounds; through $GW and straight to $REG + $BACKUP"
java -Xmx512m -cp "gateway-service/target/test-classes:gateway-service/target/classes:$(cat "$TMP/cp")" \
  dev.berth.gateway.bench.LoadBench "$GW" "$TMP/person.token" "$REG" "$BACKUP" "$TMP/internal.token" \
  "$STEPS" "$SECONDS_PER_STEP" "$ROUNDS" 2>&1 | grep -vE '^(WARNING|SLF4J)'
