#!/usr/bin/env bash
# Builds localhost/berth/host:bookworm, a Debian 12 "host" that boots systemd in a Podman container, for the
# installer's end-to-end test (install/test/host-install.sh). It holds the packages install.sh would install, so the
# test runs offline: debootstrap from Debian's mirror once, then kept (label berth.source: a hash of this script).
# Needs root, debootstrap and podman.
#
# Usage: install/test/host-image.sh [--force]      Env: BERTH_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
IMAGE=localhost/berth/host:bookworm
MIRROR=${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=systemd,systemd-sysv,dbus,postgresql-15,postgresql-client-15,pgbouncer,openjdk-17-jre-headless,openssl,curl
PACKAGES+=,ca-certificates,procps,iproute2,util-linux,e2fsprogs,xfsprogs,fdisk,jq,mariadb-client,redis-tools,kmod
PACKAGES+=,less,udev

[ "$(id -u)" = 0 ] || { echo "host-image.sh: run as root" >&2; exit 1; }
hash=$(sha256sum "$0" | cut -c1-16)
if [ "${1:-}" != --force ] && podman image exists "$IMAGE" \
    && [ "$(podman image inspect --format '{{index .Labels "berth.source"}}' "$IMAGE")" = "$hash" ]; then
  echo "$IMAGE exists"
  exit 0
fi
ROOT=$(mktemp -d /var/tmp/berth-hostfs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
echo "debootstrap bookworm with systemd and what Berth's install needs, from $MIRROR …"
debootstrap --variant=minbase --include="$PACKAGES" bookworm "$ROOT" "$MIRROR" >/var/tmp/berth-hostfs.log 2>&1 \
  || { echo "debootstrap failed; see /var/tmp/berth-hostfs.log" >&2; exit 1; }
# A fresh host has no PostgreSQL cluster of Berth's: drop the package's own "main" (the installer makes its own).
rm -rf "$ROOT"/var/lib/postgresql/15/main "$ROOT"/etc/postgresql/15/main "$ROOT"/var/cache/apt/archives/*.deb \
       "$ROOT"/var/lib/apt/lists/*
echo berth-host >"$ROOT/etc/hostname"
# udev, as on a real host: systemd mounts the data disk from fstab by UUID only once udev has seen the device.
# Without a console getty the container boots to "running" (no login prompts to wait for).
rm -f "$ROOT"/etc/systemd/system/getty.target.wants/*
tar -C "$ROOT" -c . | podman import --change 'CMD ["/sbin/init"]' --change "LABEL berth.source=$hash" \
  --change 'STOPSIGNAL SIGRTMIN+3' - "$IMAGE" >/dev/null
echo "built $IMAGE"
