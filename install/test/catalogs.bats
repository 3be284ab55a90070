#!/usr/bin/env bats
# Where catalog_client (install/lib/catalogs.sh) sends catalog-backup.sh's and the rollback's pg_dump/pg_restore:
# the local cluster on the port the install recorded, or the external server as berth_admin with its password in the
# tool's environment only. runuser and the client tools are replaced by functions that print what they were given.

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    # shellcheck source=../lib/catalogs.sh
    . "$ROOT/install/lib/catalogs.sh"
    export BERTH_PG_ENV=$BATS_TEST_TMPDIR/postgres.env
    unset BERTH_PG_PORT
    runuser() { echo "runuser $*"; }
    pg_dump() { echo "pg_dump $* password=${PGPASSWORD:-} sslmode=${PGSSLMODE:-}"; }
}

@test "a local install on another port: the hourly dump (no environment) uses the recorded port" {
    printf 'BERTH_PG_EXTERNAL=no\nBERTH_PG_HOST=127.0.0.1\nBERTH_PG_PORT=5433\nBERTH_PG_SSLMODE=prefer\n' >"$BERTH_PG_ENV"
    run catalog_client pg_dump -d berth_registry
    [ "$output" = "runuser -u postgres -- pg_dump -p 5433 -d berth_registry" ]
    BERTH_PG_PORT=5439 run catalog_client pg_dump -d berth_registry
    [ "$output" = "runuser -u postgres -- pg_dump -p 5439 -d berth_registry" ]
}

@test "no record (before an install wrote one): PostgreSQL's default port, also under set -e as the scripts run" {
    run catalog_client pg_dump -d berth_registry
    [ "$output" = "runuser -u postgres -- pg_dump -p 5432 -d berth_registry" ]
    run bash -euo pipefail -c ". '$ROOT/install/lib/catalogs.sh'; runuser() { echo \"runuser \$*\"; }
        catalog_client pg_dump -d berth_registry; echo went-on"
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = went-on ]
}

@test "an external install: that server, as berth_admin, the password in the environment and not the arguments" {
    export BERTH_SECRETS_DIR=$BATS_TEST_TMPDIR/secrets
    mkdir -p "$BERTH_SECRETS_DIR"
    printf 'the-admin-secret' >"$BERTH_SECRETS_DIR/berth_admin.password"
    printf 'BERTH_PG_EXTERNAL=yes\nBERTH_PG_HOST=db.example.com\nBERTH_PG_PORT=6543\nBERTH_PG_SSLMODE=require\n' \
        >"$BERTH_PG_ENV"
    run catalog_client pg_dump -d berth_registry
    [ "$output" = "pg_dump -h db.example.com -p 6543 -U berth_admin -d berth_registry password=the-admin-secret sslmode=require" ]
}
