#!/bin/bash
# PostgreSQL 15 for a Berth instance. On an empty volume: initdb (superuser "postgres" with the password from
# $POSTGRES_PASSWORD_FILE or $POSTGRES_PASSWORD; scram-sha-256 over the network, peer for the postgres OS user over
# the socket, no trust anywhere), then the files in /initdb.d (*.sql through psql, *.sh run) against a server that
# listens on its socket only. At every start: a self-signed certificate when /data/postgres/ssl has none, and
# conf.d/berth.conf filled from the template with sizes from the memory limit ($BERTH_MEMORY_LIMIT bytes, else the
# cgroup's limit, else 1 GiB) and $POSTGRES_MAX_CONNECTIONS (default 100).
set -euo pipefail
BASE=/data/postgres
export PGDATA=$BASE/pgdata
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

password() {
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then cat "$POSTGRES_PASSWORD_FILE"
  elif [ -n "${POSTGRES_PASSWORD:-}" ]; then printf '%s' "$POSTGRES_PASSWORD"
  else echo "berth-entrypoint: set POSTGRES_PASSWORD_FILE (or POSTGRES_PASSWORD)" >&2; exit 1; fi
}

memory_limit() {
  local limit=${BERTH_MEMORY_LIMIT:-}
  [ -z "$limit" ] && [ -r /sys/fs/cgroup/memory.max ] && limit=$(cat /sys/fs/cgroup/memory.max)
  [ -z "$limit" ] && [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ] && limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
  case "$limit" in ''|max|*[!0-9]*) limit=$((1024 * 1024 * 1024)) ;; esac
  [ "$limit" -gt $((64 * 1024 * 1024 * 1024)) ] && limit=$((1024 * 1024 * 1024))   # "no limit" in cgroup v1
  echo "$limit"
}

write_config() {
  local mem mb max_conn
  mem=$(memory_limit); mb=$((mem / 1024 / 1024)); max_conn=${POSTGRES_MAX_CONNECTIONS:-100}
  local shared=$((mb / 4)) cache=$((mb * 3 / 4)) maint=$((mb / 16)) work=$((mb / 4 / max_conn))
  [ "$shared" -lt 16 ] && shared=16; [ "$maint" -lt 16 ] && maint=16; [ "$work" -lt 1 ] && work=1
  mkdir -p "$PGDATA/conf.d"
  sed -e "s/@MAX_CONNECTIONS@/$max_conn/" -e "s/@SHARED_BUFFERS@/${shared}MB/" \
      -e "s/@EFFECTIVE_CACHE_SIZE@/${cache}MB/" -e "s/@MAINTENANCE_WORK_MEM@/${maint}MB/" -e "s/@WORK_MEM@/${work}MB/" \
      /usr/local/share/berth/postgresql.conf.template > "$PGDATA/conf.d/berth.conf"
  chown -R postgres:postgres "$PGDATA/conf.d"
}

ensure_certificate() {
  mkdir -p "$BASE/ssl"
  if [ ! -s "$BASE/ssl/server.crt" ] || [ ! -s "$BASE/ssl/server.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=${HOSTNAME:-postgres}" \
      -keyout "$BASE/ssl/server.key" -out "$BASE/ssl/server.crt" 2>/dev/null
  fi
  chown -R postgres:postgres "$BASE/ssl"; chmod 600 "$BASE/ssl/server.key"
}

run_init_files() {
  local f
  shopt -s nullglob
  for f in /initdb.d/*; do
    case "$f" in
      *.sql) echo "berth-entrypoint: running $f"; as_postgres psql -X -q -v ON_ERROR_STOP=1 -h /run/postgresql -U postgres -d postgres -f "$f" ;;
      *.sh) echo "berth-entrypoint: running $f"; as_postgres bash "$f" ;;
      *) echo "berth-entrypoint: ignoring $f (only .sql and .sh run)" ;;
    esac
  done
}

# A standby of another instance ($BERTH_REPLICA_OF, the host name of its server, whose superuser password is this
# container's too): on an empty volume a base backup streamed from it (through replication slot $BERTH_REPLICA_SLOT
# when set, so no WAL it still needs is recycled), then recovery from its WAL until promoted (Berth's replace without
# downtime). The standby's password file stays in the volume, 0600, for as long as it follows; Berth empties it and
# resets primary_conninfo once it promoted the standby.
replicate() {
  local pgpass=$BASE/replica.pgpass slot=()
  [ -n "${BERTH_REPLICA_SLOT:-}" ] && slot=(--slot="$BERTH_REPLICA_SLOT")
  ( umask 077; printf '%s:5432:*:postgres:%s\n' "$BERTH_REPLICA_OF" "$(password | sed 's/[\\:]/\\&/g')" > "$pgpass" )
  chown postgres:postgres "$pgpass"
  echo "berth-entrypoint: base backup from $BERTH_REPLICA_OF"
  as_postgres pg_basebackup -D "$PGDATA" -X stream --checkpoint=fast --write-recovery-conf "${slot[@]}" \
    -d "host=$BERTH_REPLICA_OF port=5432 user=postgres passfile=$pgpass sslmode=prefer application_name=berth-standby"
}

mkdir -p "$PGDATA" /run/postgresql "$BASE/backups"
chown postgres:postgres "$BASE" "$PGDATA" /run/postgresql "$BASE/backups"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ] && [ -n "${BERTH_REPLICA_OF:-}" ]; then
  replicate
elif [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp); password > "$pwfile"; chown postgres "$pwfile"; chmod 600 "$pwfile"
  as_postgres initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  cat > "$PGDATA/pg_hba.conf" <<HBA
# Written by berth-entrypoint. No trust: peer for the postgres OS user, scram-sha-256 for everyone else.
local   all  postgres                 peer
local   all  all                      scram-sha-256
host    all  all       127.0.0.1/32   scram-sha-256
host    all  all       ::1/128        scram-sha-256
host    all  all       0.0.0.0/0      scram-sha-256
host    all  all       ::/0           scram-sha-256
HBA
  echo "include_dir = 'conf.d'" >> "$PGDATA/postgresql.conf"
  write_config; ensure_certificate
  as_postgres pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses='' -k /run/postgresql" start
  run_init_files
  as_postgres pg_ctl -D "$PGDATA" -w -s -m fast stop
fi
write_config; ensure_certificate
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" "$@"
