#!/usr/bin/env bash
# Builds localhost/berth/<service>-service:<version> for the four services from this tree's JVM builds
# (./mvnw package first) on the local Debian base (deploy/images/build.sh makes it). Needs podman and, for apt
# inside the build, Debian's mirror. Push them to your cluster's registry afterwards.
# Usage: deploy/kubernetes/images/build.sh [VERSION]      (default 0.1.0)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
VERSION=${1:-0.1.0}
podman image exists localhost/berth/base:bookworm || { echo "build.sh: build the base first: deploy/images/build.sh" >&2; exit 1; }
for svc in registry provisioner backup gateway; do
    [ -f "$ROOT/$svc-service/target/quarkus-app/quarkus-run.jar" ] \
        || { echo "build.sh: $svc-service is not built: ./mvnw -DskipTests package" >&2; exit 1; }
    podman build --pull=never -f "$HERE/Containerfile" -t "localhost/berth/$svc-service:$VERSION" \
        "$ROOT/$svc-service/target" >/dev/null
    echo "built localhost/berth/$svc-service:$VERSION"
done
