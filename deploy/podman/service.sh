#!/usr/bin/env bash
# Runs the Podman API service Berth talks to: `podman system service --time=0 unix://SOCKET` (libpod and
# Docker-compatible API on one unix socket). It uses the host's default Podman configuration when that can start a
# container, and Berth's fallback config (containers.conf next to this script; see there why) when it cannot.
# Runs in the foreground (for systemd, `./berth up` and the test harness).
#
# Usage: deploy/podman/service.sh SOCKET [PROBE_IMAGE]     (PROBE_IMAGE default localhost/berth/base:bookworm)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SOCKET=${1:?usage: service.sh SOCKET [PROBE_IMAGE]}
PROBE_IMAGE=${2:-localhost/berth/base:bookworm}
command -v podman >/dev/null || { echo "service.sh: podman is missing: apt-get install -y podman runc" >&2; exit 1; }

if [ -z "${CONTAINERS_CONF:-}" ]; then
  # A throwaway container without network tells whether the default runtime works on this host. Without the probe
  # image there is nothing to try: the fallback is the choice that works on every host we know.
  if ! podman image exists "$PROBE_IMAGE" || ! podman run --rm --net=none "$PROBE_IMAGE" true >/dev/null 2>&1; then
    export CONTAINERS_CONF="$HERE/containers.conf"
    echo "service.sh: using $CONTAINERS_CONF (the default Podman configuration cannot start containers here)" >&2
  fi
fi
if [ -z "${LISTEN_FDS:-}" ]; then
  mkdir -p "$(dirname "$SOCKET")"
  rm -f "$SOCKET"
fi
# Under systemd socket activation (berth-podman.socket) the socket is inherited: podman serves the passed descriptor
# (it checks LISTEN_PID, which stays this process's: exec keeps the PID).
exec podman system service --time=0 "unix://$SOCKET"
