#!/usr/bin/env bash
# The installer's tests, as ./berth test runs them after the Maven build: shellcheck over every script, the disk
# rules against loop devices, the dry runs, the end-to-end install on a systemd container, and Berth in containers
# with Quadlet on another (install/test/quadlet.sh). Needs root, a built tree, and these (./berth test installs
# them): bats, shellcheck, jq, fdisk, xfsprogs, debootstrap and podman.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
echo "== shellcheck"
shellcheck -x install/install.sh install/upgrade.sh install/uninstall.sh install/test/host-image.sh \
    install/test/host-install.sh install/test/run.sh install/catalog-backup.sh install/restore-host.sh \
    deploy/systemd/berth-service \
    deploy/podman/service.sh deploy/podman/install.sh deploy/podman/build.sh deploy/podman/image/berth-container \
    deploy/podman/quadlet/initdb.d/berth.sh install/test/quadlet.sh install/test/quadlet-host-image.sh \
    install/test/systemd-host.sh \
    deploy/kubernetes/make-secrets.sh deploy/kubernetes/images/build.sh
echo "== bats: disks, dry runs"
bats install/test/disks.bats install/test/dry-run.bats install/test/catalogs.bats install/test/services.bats
# The two end-to-end installs run side by side (each on a container of its own; together they mostly wait on
# systemd, JVM starts and health checks): the Quadlet test's output is shown when both are done.
echo "== host install on a systemd container, and Berth in containers with Quadlet on another (alongside)"
start=$(date +%s)
quadlet_log=$(mktemp /var/tmp/berth-quadlet-test-output.XXXXXX)
install/test/quadlet.sh >"$quadlet_log" 2>&1 &
quadlet_pid=$!
host_status=0
install/test/host-install.sh || host_status=$?
host=$(($(date +%s) - start))
quadlet_status=0
wait "$quadlet_pid" || quadlet_status=$?
echo "== Berth in containers with Quadlet (install/test/quadlet.sh, $(($(date +%s) - start)) s):"
cat "$quadlet_log"
rm -f "$quadlet_log"
[ "$host_status" = 0 ] || { echo "== the host install test failed" >&2; exit 1; }
[ "$quadlet_status" = 0 ] || { echo "== the Quadlet test failed" >&2; exit 1; }
echo "== installer tests passed ($host s for the host install, the Quadlet one alongside it)"
