#!/usr/bin/env bash
# Containers: what the admission hook adds to a container create, and how fast Podman's events reach the catalog.
#
#   direct   libpod create on Podman's own socket (the raw baseline)
#   hook     the same create through Berth's hook socket, no database asked for (pure pass-through cost)
#   hook+db  the same create with DATABASE_URL= (the hook asks the registry, which provisions and composes the env)
#   db       POST /api/databases alone: the database's own provisioning time
# Target: hook+db − direct ≤ db + 20 ms. Then every container is started and removed, and the registry's
# berth_container_event_lag_seconds (Podman event → catalog committed) gives p50/p99; target p99 ≤ 50 ms (issue 18; was 100).
# Last, `podman run --rm IMAGE true` (create, attach, start, wait, remove: the hijacked attach stream included) on
# Podman's socket and through the hook, interleaved, N/2 of each (at least 5): the hook's cost for attached runs.
#
# Needs a running suite (./berth up). Usage: bench/containers.sh [N]. Leaves nothing behind.
set -euo pipefail

N=${1:-20}
HOME_DIR=${BERTH_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.local/share/berth")}
API=${BERTH_REGISTRY_URL:-http://127.0.0.1:8081}
PODMAN=$HOME_DIR/run/podman/podman.sock
HOOK=$HOME_DIR/run/podman/berth.sock
IMAGE=localhost/berth/base:bookworm
RUN=bc$(date +%s | tail -c 5)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
# The services want an internal token (admin) on every call: one from ./berth token, in curl's own config file.
printf 'header = "Authorization: Bearer %s"\n' "$("$(dirname "$0")/../berth" token admin 7200)" > "$TMP/.curlrc"
export CURL_HOME=$TMP
[ -S "$PODMAN" ] && [ -S "$HOOK" ] || { echo "no Podman or hook socket under $HOME_DIR/run/podman: ./berth up" >&2; exit 1; }

p() { sort -n "$1" | awk -v q="$2" '{a[NR]=$1} END {i=int((q/100)*NR+0.999999); if (i<1) i=1; printf "%.1f", a[i]}'; }

create() { # socket name env-json → ms (container created, not started)
  local out
  out=$(curl -s -o "$TMP/body" -w '%{http_code} %{time_total}' --unix-socket "$1" -X POST \
    -H 'content-type: application/json' http://d/v4.0.0/libpod/containers/create \
    -d "{\"name\":\"$2\",\"image\":\"$IMAGE\",\"command\":[\"sleep\",\"600\"],\"env\":$3}")
  [ "${out%% *}" = 201 ] || { echo "create $2 failed: $out $(cat "$TMP/body")" >&2; exit 1; }
  awk -v t="${out#* }" 'BEGIN {printf "%.2f\n", t*1000}'
}

db_create() { # app → ms; id to $TMP/dbs
  local out
  out=$(curl -s -o "$TMP/body" -w '%{http_code} %{time_total}' -X POST "$API/api/databases" \
    -H 'content-type: application/json' -d "{\"app\":\"$1\"}")
  [ "${out%% *}" = 201 ] || { echo "database $1 failed: $out $(cat "$TMP/body")" >&2; exit 1; }
  grep -o '"id":"[0-9a-f-]\{36\}"' "$TMP/body" | head -1 | cut -d\" -f4 >> "$TMP/dbs"
  awk -v t="${out#* }" 'BEGIN {printf "%.2f\n", t*1000}'
}

podman_call() { curl -s -o /dev/null --unix-socket "$PODMAN" -X "$1" "http://d/v4.0.0/libpod$2"; }

# Warm-up (JIT, connections), not measured.
create "$PODMAN" "$RUN-w1" '{"X":"1"}' >/dev/null; create "$HOOK" "$RUN-w2" '{"X":"1"}' >/dev/null
podman_call DELETE "/containers/$RUN-w1?force=true&timeout=0"; podman_call DELETE "/containers/$RUN-w2?force=true&timeout=0"

echo "containers: $N of each, interleaved"
for i in $(seq 1 "$N"); do
  create "$PODMAN" "$RUN-d$i" '{"X":"1"}' >> "$TMP/direct"
  create "$HOOK" "$RUN-h$i" '{"X":"1"}' >> "$TMP/hook"
  create "$HOOK" "$RUN-b$i" '{"DATABASE_URL":""}' >> "$TMP/hookdb"
  db_create "${RUN}x$i" >> "$TMP/db"
done

buckets() { # a registry that has seen no event yet has no buckets: an empty list, not a failure
  curl -s "$API/q/metrics" | { grep '^berth_container_event_lag_seconds_bucket' || true; } \
  | sed 's/.*le="\([^"]*\)".* \([0-9.eE+-]*\)$/\1 \2/'; }
buckets > "$TMP/before"

# Events: start and remove every container; each event's lag is recorded by the registry.
for kind in d h b; do
  for i in $(seq 1 "$N"); do podman_call POST "/containers/$RUN-$kind$i/start"; done
done
sleep 1
for kind in d h b; do
  for i in $(seq 1 "$N"); do podman_call DELETE "/containers/$RUN-$kind$i?force=true&timeout=0"; done
done
sleep 3
buckets > "$TMP/after"
# This run's events only: the difference of the registry's cumulative histogram buckets (upper bounds, ~10 % apart).
# Joined on the bucket bound, so a bucket missing before this run counts as 0 then.
diffs() { awk 'NR==FNR {b[$1]=$2; next} {print $1, $2-($1 in b ? b[$1] : 0)}' "$TMP/before" "$TMP/after"; }
lag() { diffs | awk -v q="$1" '{le[NR]=$1; n[NR]=$2} END {
  total=n[NR]; for (i=1; i<=NR; i++) if (n[i] >= q*total) {printf "%.1f", le[i]*1000; exit} }'; }
events=$(diffs | tail -1 | awk '{print $2}')

# Clean up: the databases made for hook+db containers are orphans now (policy keep); drop them and the raw ones.
for id in $(curl -s "$API/api/databases/orphans" | grep -o "\"id\":\"[0-9a-f-]\{36\}\",\"app\":\"${RUN}_b[0-9]*\"" \
    | cut -d\" -f4); do
  curl -s -o /dev/null -X DELETE "$API/api/databases/$id?policy=delete"
done
while read -r id; do curl -s -o /dev/null -X DELETE "$API/api/databases/$id?policy=delete"; done < "$TMP/dbs"

d=$(p "$TMP/direct" 50); h=$(p "$TMP/hook" 50); b=$(p "$TMP/hookdb" 50); db=$(p "$TMP/db" 50)
echo "direct_ms_p50=$d hook_ms_p50=$h hook_db_ms_p50=$b db_ms_p50=$db"
awk -v d="$d" -v h="$h" -v b="$b" -v db="$db" 'BEGIN {
  printf "pass-through: hook/direct = %.2f (added %.1f ms)\n", h/d, h-d;
  printf "with database: added %.1f ms vs the database alone %.1f ms → added − db = %.1f ms (target ≤ 20)\n", b-d, db, b-d-db;
  printf "hook+db / (direct + db) = %.2f\n", b/(d+db) }'
echo "event lag (Podman → catalog committed, $events events of this run, bucket upper bounds): p50 ≤ $(lag 0.5) ms, p99 ≤ $(lag 0.99) ms (target p99 ≤ 50)"

# Attached runs: the whole podman CLI round trip, direct vs hook, interleaved.
run_ms() { # socket → ms of `podman --url … run --rm IMAGE true`
  local start end
  start=$(date +%s%N)
  timeout 60 podman --url "unix://$1" run --rm --label berth.database=none "$IMAGE" true >/dev/null
  end=$(date +%s%N)
  awk -v t=$((end - start)) 'BEGIN {printf "%.1f\n", t/1e6}'
}
R=$(( N / 2 > 5 ? N / 2 : 5 ))
run_ms "$PODMAN" >/dev/null; run_ms "$HOOK" >/dev/null   # warm-up
for i in $(seq 1 "$R"); do run_ms "$PODMAN" >> "$TMP/run_direct"; run_ms "$HOOK" >> "$TMP/run_hook"; done
rd=$(p "$TMP/run_direct" 50); rh=$(p "$TMP/run_hook" 50)
awk -v d="$rd" -v h="$rh" -v n="$R" -v dmin="$(sort -n "$TMP/run_direct" | head -1)" \
  -v dmax="$(sort -n "$TMP/run_direct" | tail -1)" -v hmin="$(sort -n "$TMP/run_hook" | head -1)" \
  -v hmax="$(sort -n "$TMP/run_hook" | tail -1)" 'BEGIN {
  printf "run --rm (%d each): direct p50 %.0f ms [%.0f–%.0f], hook p50 %.0f ms [%.0f–%.0f], hook/direct = %.2f\n",
    n, d, dmin, dmax, h, hmin, hmax, h/d }'
