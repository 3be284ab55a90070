#!/usr/bin/env bash
# Builds the images Berth itself runs on in containers (deploy/podman/quadlet), offline after one debootstrap:
#   localhost/berth/runtime:bookworm   Debian 12 with its JRE and the database clients (pg_dump, mariadb-dump, redis)
#   localhost/berth/berth:<release>    the services and Kafka from a built source tree, also tagged :current
#   localhost/berth/postgres:bookworm  Berth's PostgreSQL image (deploy/images/build.sh)
# The runtime is built once (--force rebuilds it; label berth.source: a hash of this script); Berth's image whenever
# the tree holds another release (install/lib/services.sh's release_id). Needs root, debootstrap, podman, a built tree.
#
# Usage: deploy/podman/build.sh [--force] [SOURCE_TREE]
# Env: BERTH_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
FORCE=
[ "${1:-}" = --force ] && { FORCE=1; shift; }
SRC=$(cd "${1:-$HERE/../..}" && pwd)
MIRROR=${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
RUNTIME=localhost/berth/runtime:bookworm
PACKAGES=openjdk-17-jre-headless,postgresql-client-15,mariadb-client,redis-tools,curl,ca-certificates,tzdata

[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (debootstrap and rootful podman)" >&2; exit 1; }
"$SRC/deploy/images/build.sh"

hash=$(sha256sum "$0" | cut -c1-16)
built_from=$(podman image inspect --format '{{index .Labels "berth.source"}}' "$RUNTIME" 2>/dev/null || true)
if [ -n "$FORCE" ] || [ "$built_from" != "$hash" ]; then
  root=$(mktemp -d /var/tmp/berth-runtimefs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap bookworm with a JRE and the database clients, from $MIRROR …"
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$root" "$MIRROR" >/var/tmp/berth-runtimefs.log 2>&1 \
    || { echo "debootstrap failed; see /var/tmp/berth-runtimefs.log" >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  # Everything runs as berth, 10001:10001 (the ids the quadlets and the Podman socket's group use), writing only its
  # volumes. Done here, so that building Berth's image runs no container (only COPY).
  chroot "$root" groupadd --system --gid 10001 berth
  chroot "$root" useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin berth
  install -d -m 0700 -o 10001 -g 10001 "$root"/var/lib/berth/{vault,gateway,kafka} "$root"/var/backups/berth
  tar -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' --change "LABEL berth.source=$hash" \
    --change 'ENV LANG=C.UTF-8' - "$RUNTIME" >/dev/null
  rm -rf "$root"; trap - EXIT
  echo "built $RUNTIME"
fi

# The release as the host install lays it out (install/lib/services.sh's install_release), staged for the build.
# shellcheck source=../../install/lib/common.sh
. "$SRC/install/lib/common.sh"
# shellcheck source=../../install/lib/services.sh
. "$SRC/install/lib/services.sh"
release=$(release_id "$SRC")
image=localhost/berth/berth:$release
if podman image exists "$image"; then
  echo "$image exists"
else
  stage=$(mktemp -d /var/tmp/berth-image.XXXXXX)
  trap 'rm -rf "$stage"' EXIT
  BERTH_OPT=$stage/opt install_release "$SRC" "$release" >/dev/null
  mkdir -p "$stage/context"
  mv "$stage/opt/releases/$release" "$stage/context/release"
  cp "$HERE/image/Containerfile" "$HERE/image/berth-container" "$stage/context/"
  podman build --format docker --network=none --pull=never --build-arg VERSION="$release" -t "$image" \
    "$stage/context" >/dev/null
  rm -rf "$stage"; trap - EXIT
  echo "built $image"
fi
podman tag "$image" localhost/berth/berth:current
echo "localhost/berth/berth:current is $image"
