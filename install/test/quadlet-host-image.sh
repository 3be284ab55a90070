#!/usr/bin/env bash
# Builds localhost/berth/host:trixie, a Debian 13 "host" with Podman 5.4 (Quadlet) that boots systemd in a Podman
# container, for install/test/quadlet.sh: debootstrap from Debian's mirror once, then kept (label berth.source: a hash
# of this script). Needs root, debootstrap and podman.
#
# Usage: install/test/quadlet-host-image.sh [--force]     Env: BERTH_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
IMAGE=localhost/berth/host:trixie
MIRROR=${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=systemd,systemd-sysv,dbus,podman,crun,netavark,aardvark-dns,iptables,nftables,curl,ca-certificates,openssl
PACKAGES+=,jq,procps,iproute2

[ "$(id -u)" = 0 ] || { echo "quadlet-host-image.sh: run as root" >&2; exit 1; }
hash=$(sha256sum "$0" | cut -c1-16)
if [ "${1:-}" != --force ] && [ "$(podman image inspect --format '{{index .Labels "berth.source"}}' "$IMAGE" 2>/dev/null)" = "$hash" ]; then
  echo "$IMAGE exists"
  exit 0
fi
ROOT=$(mktemp -d /var/tmp/berth-trixiefs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
echo "debootstrap trixie with systemd and Podman, from $MIRROR …"
debootstrap --variant=minbase --include="$PACKAGES" trixie "$ROOT" "$MIRROR" >/var/tmp/berth-trixiefs.log 2>&1 \
  || { echo "debootstrap failed; see /var/tmp/berth-trixiefs.log" >&2; exit 1; }
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
# Without a console getty the container boots to "running"; there are no kernel modules to load in a container.
rm -f "$ROOT"/etc/systemd/system/getty.target.wants/*
ln -sf /dev/null "$ROOT/etc/systemd/system/systemd-modules-load.service"
echo berth-host >"$ROOT/etc/hostname"
tar -C "$ROOT" -c . | podman import --change 'CMD ["/sbin/init"]' --change "LABEL berth.source=$hash" \
  --change 'STOPSIGNAL SIGRTMIN+3' - "$IMAGE" >/dev/null
echo "built $IMAGE"
