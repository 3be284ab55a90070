#!/usr/bin/env bash
# Dedicated instances: POST /api/instances (answers once the instance is healthy) against the raw baseline — the same
# image started with `podman run` (a secret for the password, a fresh volume, the data network) followed by the same
# health wait as Berth's (libpod's healthcheck endpoint, every 250 ms until it passes) — per engine, interleaved, RUNS
# of each. Prints
# the medians, the ratio (target ≤ 1.1), the spread over runs, and each instance's memory once idle (Podman's figure
# for the container: what the engine holds, page cache included).
#
# Needs a running suite (./berth up) and the images (deploy/images/build.sh). Usage: bench/instances.sh [RUNS]
# (default 5) [ENGINES] (default "postgresql mariadb redis"). Leaves nothing behind.
set -euo pipefail

RUNS=${1:-5}
ENGINES=${2:-postgresql mariadb redis}
HOME_DIR=${BERTH_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.local/share/berth")}
API=${BERTH_REGISTRY_URL:-http://127.0.0.1:8081}
SOCK=$HOME_DIR/run/podman/podman.sock
NETWORK=${BERTH_CONTAINER_NETWORK:-berth-data}
TAG=bi$(date +%s | tail -c 5)
TMP=$(mktemp -d)
printf 'header = "Authorization: Bearer %s"\n' "$("$(dirname "$0")/../berth" token admin 7200)" > "$TMP/.curlrc"
export CURL_HOME=$TMP
[ -S "$SOCK" ] || { echo "no Podman socket at $SOCK: ./berth up" >&2; exit 1; }
pod() { podman --url "unix://$SOCK" "$@"; }

cleanup() {
  pod rm -f -t 0 $(pod ps -aq --filter "name=^$TAG") >/dev/null 2>&1 || true
  pod volume ls -q | grep "^$TAG" | xargs -r podman --url "unix://$SOCK" volume rm -f >/dev/null 2>&1 || true
  pod secret ls --format '{{.Name}}' | grep "^$TAG" | xargs -r podman --url "unix://$SOCK" secret rm >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
spread() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%s–%s", a[1], a[NR]}'; }

image_of() { case $1 in postgresql) echo localhost/berth/postgres:bookworm ;; mariadb) echo localhost/berth/mariadb:bookworm ;;
  redis) echo localhost/berth/redis:bookworm ;; esac; }
data_of() { case $1 in postgresql) echo /data/postgres ;; mariadb) echo /var/lib/mysql ;; redis) echo /data ;; esac; }
env_of() { case $1 in postgresql) echo POSTGRES_PASSWORD_FILE ;; mariadb) echo MARIADB_ROOT_PASSWORD_FILE ;;
  redis) echo REDIS_PASSWORD_FILE ;; esac; }

raw() { # engine name → ms from `podman run` to the first passing health check
  local engine=$1 name=$2 t0
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$TMP/pw"
  pod secret create "$name-admin" "$TMP/pw" >/dev/null
  t0=$(now_ms)
  pod run -d --name "$name" --network "$NETWORK" --secret "$name-admin,target=/run/secrets/pw" \
    -e "$(env_of "$engine")=/run/secrets/pw" -v "$name-data:$(data_of "$engine")" "$(image_of "$engine")" >/dev/null
  until curl -s --unix-socket "$SOCK" "http://d/v4.0.0/libpod/containers/$name/healthcheck" | grep -q '"Status":"healthy"'; do
    sleep 0.25
  done
  echo $(( $(now_ms) - t0 ))
}

raw_remove() { pod rm -f -t 0 "$1" >/dev/null; pod volume rm -f "$1-data" >/dev/null; pod secret rm "$1-admin" >/dev/null; }

berth() { # engine name → ms for POST /api/instances (it answers when healthy); the id in $TMP/id
  local out
  out=$(curl -s -o "$TMP/body" -w '%{http_code} %{time_total}' -X POST "$API/api/instances" \
    -H 'content-type: application/json' -d "{\"name\":\"$2\",\"engine\":\"$1\"}")
  [ "${out%% *}" = 201 ] || { echo "POST /api/instances failed: $out $(cat "$TMP/body")" >&2; exit 1; }
  grep -o '"id":"[0-9a-f-]\{36\}"' "$TMP/body" | head -1 | cut -d\" -f4 > "$TMP/id"
  awk -v t="${out#* }" 'BEGIN {printf "%d\n", t*1000}'
}

idle_mib() { # instance id → MiB after 10 s idle
  sleep 10
  curl -s "$API/api/instances/$1/stats" | grep -o '"memoryUsageBytes":[0-9]*' | cut -d: -f2 \
    | awk '{printf "%.0f\n", $1/1048576}'
}

# Warm-up (JIT on the services, image layers in the page cache), not measured.
for engine in $ENGINES; do
  raw "$engine" "$TAG-warm-$engine" >/dev/null; raw_remove "$TAG-warm-$engine"
done
berth redis "${TAG}warm" >/dev/null; curl -s -o /dev/null -X DELETE "$API/api/instances/$(cat "$TMP/id")"

printf '%-11s %10s %10s %7s   %-15s %-15s %9s\n' engine "raw ms" "berth ms" ratio "raw spread" "berth spread" "idle MiB"
for engine in $ENGINES; do
  : > "$TMP/raw-$engine"; : > "$TMP/berth-$engine"; : > "$TMP/mem-$engine"
  for i in $(seq 1 "$RUNS"); do
    raw "$engine" "$TAG-r$i-$engine" >> "$TMP/raw-$engine"; raw_remove "$TAG-r$i-$engine"
    berth "$engine" "${TAG}b$i" >> "$TMP/berth-$engine"
    id=$(cat "$TMP/id")
    [ "$i" = 1 ] && idle_mib "$id" >> "$TMP/mem-$engine"
    curl -s -o /dev/null -X DELETE "$API/api/instances/$id"
  done
  r=$(median "$TMP/raw-$engine"); b=$(median "$TMP/berth-$engine")
  printf '%-11s %10s %10s %7s   %-15s %-15s %9s\n' "$engine" "$r" "$b" "$(awk -v a="$b" -v c="$r" 'BEGIN {printf "%.2f", a/c}')" \
    "$(spread "$TMP/raw-$engine")" "$(spread "$TMP/berth-$engine")" "$(cat "$TMP/mem-$engine")"
done
echo "ratio = median berth / median raw; target ≤ 1.1. Spread: fastest–slowest of $RUNS runs."
