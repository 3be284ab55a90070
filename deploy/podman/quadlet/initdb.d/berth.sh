#!/bin/bash
# Run once by the PostgreSQL image's entrypoint, on an empty volume, as postgres against a server that listens on its
# socket only: one login and one database per Berth service, each password read from its secret inside psql (never
# on a command line), in a session that logs no statement (the image logs DDL, and CREATE ROLE … PASSWORD is DDL).
set -euo pipefail
for svc in registry provisioner backup gateway; do
  psql -X -q -v ON_ERROR_STOP=1 -h /run/postgresql -U postgres -d postgres -v role="berth_$svc" \
    -v file="/run/secrets/berth-db-$svc" <<'SQL'
SET log_statement = 'none';
\set pw `cat :'file'`
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role') \gexec
SQL
done
echo "berth.sh: made the logins and databases of registry, provisioner, backup and gateway"
