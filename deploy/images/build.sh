#!/usr/bin/env bash
# Builds the images Berth runs, without any registry: a Debian bookworm root filesystem made by debootstrap from
# Debian's package mirror (with PostgreSQL 15, MariaDB and Redis in it: one shared base layer), imported as
# localhost/berth/base:bookworm, then an offline `podman build` per engine that only adds its entrypoint.
# --format docker keeps the HEALTHCHECKs (OCI images have none). The base is built once (--force rebuilds it); an engine image is rebuilt when its directory changed (label
# berth.source holds a hash of its files). Needs root, debootstrap and podman (apt).
#
# Usage: deploy/images/build.sh [--force]     Env: BERTH_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
FORCE=${1:-}
BASE=localhost/berth/base:bookworm
ENGINES=(postgres mariadb redis)

[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (debootstrap and rootful podman)" >&2; exit 1; }
for tool in debootstrap podman; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing: apt-get install -y debootstrap podman runc" >&2; exit 1; }
done

exists() { podman image exists "$1"; }
source_hash() { (cd "$HERE/$1" && find . -type f | sort | xargs sha256sum) | sha256sum | cut -c1-16; }
built_from() { podman image inspect --format '{{index .Labels "berth.source"}}' "$1" 2>/dev/null || true; }

# Podman 4.3's default runtime fails on some hosts (see deploy/podman/containers.conf): use Berth's config then.
use_fallback_if_needed() {
  if ! podman run --rm --net=none "$BASE" true >/dev/null 2>&1; then
    export CONTAINERS_CONF="$HERE/../podman/containers.conf"
    podman run --rm --net=none "$BASE" true >/dev/null \
      || { echo "build.sh: cannot start a container even with $CONTAINERS_CONF" >&2; exit 1; }
    echo "using $CONTAINERS_CONF (the default runtime cannot start containers here)"
  fi
}

if [ "$FORCE" = --force ] || ! exists "$BASE"; then
  ROOT=$(mktemp -d /var/tmp/berth-rootfs.XXXXXX)
  trap 'rm -rf "$ROOT"' EXIT
  echo "debootstrap bookworm (minbase + postgresql-15, mariadb-server, redis-server) from $MIRROR …"
  debootstrap --variant=minbase \
    --include=postgresql-15,postgresql-client-15,mariadb-server,mariadb-client,redis-server,ca-certificates,tzdata,locales \
    bookworm "$ROOT" "$MIRROR" > /var/tmp/berth-debootstrap.log 2>&1 \
    || { echo "debootstrap failed; see /var/tmp/berth-debootstrap.log" >&2; exit 1; }
  # The packages' own clusters/datadirs are not wanted: each entrypoint initializes its empty volume itself.
  rm -rf "$ROOT"/var/lib/postgresql/15/main "$ROOT"/etc/postgresql/15/main "$ROOT"/var/lib/mysql/* \
         "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
  tar -C "$ROOT" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE" >/dev/null
  rm -rf "$ROOT"; trap - EXIT
  echo "built $BASE"
fi
use_fallback_if_needed

for engine in "${ENGINES[@]}"; do
  image=localhost/berth/$engine:bookworm
  hash=$(source_hash "$engine")
  if [ "$FORCE" = --force ] || ! exists "$image" || [ "$(built_from "$image")" != "$hash" ]; then
    podman build --format docker --network=none --pull=never --label "berth.source=$hash" -t "$image" "$HERE/$engine" >/dev/null
    echo "built $image"
  else
    echo "$image exists"
  fi
done
