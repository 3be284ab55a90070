#!/usr/bin/env bash
# The installer's tests, as ./berth test runs them after the Maven build: shellcheck over every script, the disk
# rules against loop devices, the dry runs, the end-to-end install on a systemd container, and Berth in containers
# with Quadlet on another (install/test/quadlet.sh). Needs root, a built tree, and (installed by ./berth test) bats,
# shellcheck, jq, fdisk, xfsprogs, debootstrap and podman.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
echo "== shellcheck"
shellcheck -x install/install.sh install/upgrade.sh install/uninstall.sh install/test/host-image.sh \
    install/test/host-install.sh install/test/run.sh install/catalog-backup.sh install/restore-host.sh \
    deploy/systemd/berth-service \
    deploy/podman/service.sh deploy/podman/install.sh deploy/podman/build.sh deploy/podman/image/berth-container \
    deploy/podman/quadlet/initdb.d/berth.sh install/test/quadlet.sh install/test/quadlet-host-image.sh \
    deploy/kubernetes/make-secrets.sh deploy/kubernetes/images/build.sh
echo "== bats: disks, dry runs"
bats install/test/disks.bats install/test/dry-run.bats install/test/catalogs.bats install/test/services.bats
echo "== host install on a systemd container"
start=$(date +%s)
install/test/host-install.sh
host=$(($(date +%s) - start))
echo "== Berth in containers with Quadlet on a systemd container"
start=$(date +%s)
install/test/quadlet.sh
echo "== installer tests passed ($host s for the host install, $(($(date +%s) - start)) s for the Quadlet one)"
