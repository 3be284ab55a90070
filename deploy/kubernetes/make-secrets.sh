#!/usr/bin/env bash
# Creates the Secrets the manifests name, with fresh random values, in namespace berth (kubectl's current context):
#   berth-internal-keys  internal-private.pem, internal-public.pem  (RSA 2048; services sign and check internal tokens)
#   berth-vault          key       the credential vault's AES-256 master key (base64)
#   berth-admin          password  the first administrator's password (printed once)
#   berth-db-<service>   username, password  (kubernetes.io/basic-auth: CloudNativePG's managed roles read them)
#   berth-catalog-admin  username, password  berth_admin, with which the provisioner makes app databases
# Existing Secrets are kept (a rerun changes nothing). Kafka's is made by Strimzi from the KafkaUser (berth-kafka).
# Nothing is written to disk outside a private temporary directory, removed at the end.
# Usage: deploy/kubernetes/make-secrets.sh [--dry-run]     (--dry-run prints the Secret manifests' names only)
set -euo pipefail
NS=${BERTH_NAMESPACE:-berth}
DRY=${1:-}
command -v kubectl >/dev/null || { echo "make-secrets.sh: kubectl is missing" >&2; exit 1; }
command -v openssl >/dev/null || { echo "make-secrets.sh: openssl is missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"

exists() { [ "$DRY" != --dry-run ] && kubectl -n "$NS" get secret "$1" >/dev/null 2>&1; }
random() { openssl rand -hex 24; }
make() {   # make NAME [kubectl create secret generic arguments…]
    local name=$1; shift
    if exists "$name"; then echo "kept $name"; return; fi
    if [ "$DRY" = --dry-run ]; then echo "would create $name"; return; fi
    kubectl -n "$NS" create secret "$@" "$name" >/dev/null
    echo "created $name"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/internal-private.pem" 2>/dev/null
openssl pkey -in "$tmp/internal-private.pem" -pubout -out "$tmp/internal-public.pem"
make berth-internal-keys generic --from-file="$tmp/internal-private.pem" --from-file="$tmp/internal-public.pem"
openssl rand -base64 32 | tr -d '\n' >"$tmp/key"
make berth-vault generic --from-file=key="$tmp/key"
random | tr -d '\n' >"$tmp/admin"
if ! exists berth-admin && [ "$DRY" != --dry-run ]; then
    echo "first administrator: admin / $(cat "$tmp/admin")   (shown once; change it at the first sign-in)"
fi
make berth-admin generic --from-file=password="$tmp/admin"
for svc in registry provisioner backup gateway; do
    random | tr -d '\n' >"$tmp/$svc"
    make "berth-db-$svc" generic --type=kubernetes.io/basic-auth --from-literal=username="berth_$svc" \
        --from-file=password="$tmp/$svc"
done
random | tr -d '\n' >"$tmp/catalog-admin"
make berth-catalog-admin generic --type=kubernetes.io/basic-auth --from-literal=username=berth_admin \
    --from-file=password="$tmp/catalog-admin"
