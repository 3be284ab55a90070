#!/usr/bin/env bash
# The embedded stack's footprint and warm start, RUNS times (default 3), each figure as the median [min–max]:
#
#   warm start   ./berth down, then ./berth up until every service is ready (built, state and class archives present)
#   idle RSS     each service and the Kafka broker IDLE seconds (default 60) after the start
#   stack PSS    every process of the stack (PostgreSQL, Kafka, Podman's API service, the four services), PSS so
#                that PostgreSQL's shared memory and the JVMs' shared files count once
#   baseline     a bare JVM with the services' options, idling: the floor no Quarkus service can go below
#
# Targets (issue 18): each service ≤ 175 MiB RSS, the stack ≤ 1 GiB, warm start ≤ 15 s.
# Needs root and a built tree; stops a running ./berth first and leaves it running at the end.
# Usage: bench/footprint.sh [RUNS] [IDLE]
set -euo pipefail

RUNS=${1:-3}
IDLE=${2:-60}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR=${BERTH_HOME:-/var/lib/berth}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
SERVICES=(registry provisioner backup gateway)

kib() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
med() { sort -n | awk '{v[NR]=$1} END {printf "%.1f [%.1f–%.1f]", v[int((NR+1)/2)], v[1], v[NR]}'; }
stack_pids() {
  ps -eo pid=,args= | awk '/quarkus-run\.jar|kafka\.Kafka|podman system service|bin\/postgres|postgres: |pgbouncer/ \
    && !/awk/ {print $1}'
}

# The first run after a build records the class archives; it is not one of the measured runs.
"$ROOT/berth" down >/dev/null 2>&1 || true
BERTH_NO_BUILD=1 "$ROOT/berth" up >/dev/null
"$ROOT/berth" down >/dev/null

for run in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  BERTH_NO_BUILD=1 "$ROOT/berth" up >/dev/null
  end=$(date +%s.%N)
  sleep "$IDLE"
  {
    printf 'start %s\n' "$(echo "$end - $start" | bc)"
    for svc in "${SERVICES[@]}"; do
      printf '%s %s\n' "$svc" "$(( $(kib "$(cat "$HOME_DIR/run/$svc/pid")" Rss) / 1024 ))"
    done
    printf 'kafka %s\n' "$(( $(kib "$(pgrep -f kafka.Kafka | head -1)" Rss) / 1024 ))"
    pss=0
    for pid in $(stack_pids); do pss=$(( pss + $(kib "$pid" Pss) )); done
    printf 'stack %s\n' "$(( pss / 1024 ))"
  } > "$TMP/run$run"
  echo "run $run: $(tr '\n' ' ' < "$TMP/run$run")"
  [ "$run" = "$RUNS" ] || "$ROOT/berth" down >/dev/null
done

# The floor: a JVM with the same options and nothing to run but a sleep.
cat > "$TMP/Idle.java" <<'JAVA'
public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(Long.MAX_VALUE); } }
JAVA
javac -d "$TMP" "$TMP/Idle.java"
# shellcheck disable=SC2046 # the options are a list
java $("$ROOT/berth" _jvm-options) -cp "$TMP" Idle &
idle=$!
sleep 5
floor=$(( $(kib "$idle" Rss) / 1024 ))
kill "$idle"

echo
echo "warm start to all ready: $(awk '$1 == "start" {print $2}' "$TMP"/run* | med) s (target ≤ 15)"
for svc in "${SERVICES[@]}" kafka; do
  echo "$svc idle RSS: $(awk -v s="$svc" '$1 == s {print $2}' "$TMP"/run* | med) MiB$([ "$svc" = kafka ] || echo " (target ≤ 175)")"
done
echo "whole stack PSS: $(awk '$1 == "stack" {print $2}' "$TMP"/run* | med) MiB (target ≤ 1024)"
echo "baseline, a bare JVM with the same options: $floor MiB RSS"
