#!/bin/bash
# MariaDB for a Berth instance. On an empty /var/lib/mysql: mariadb-install-db, root with the password from
# $MARIADB_ROOT_PASSWORD_FILE or $MARIADB_ROOT_PASSWORD (from any host; over the socket root keeps unix_socket
# authentication), then /initdb.d/*.sql and *.sh against a server without networking. At every start: a
# self-signed certificate when there is none, and the config filled from the memory limit ($BERTH_MEMORY_LIMIT
# bytes, else the cgroup's, else 1 GiB: buffer pool = half) and $MARIADB_MAX_CONNECTIONS (default 151).
set -euo pipefail
DATA=/var/lib/mysql
password() {
  if [ -n "${MARIADB_ROOT_PASSWORD_FILE:-}" ]; then cat "$MARIADB_ROOT_PASSWORD_FILE"
  elif [ -n "${MARIADB_ROOT_PASSWORD:-}" ]; then printf '%s' "$MARIADB_ROOT_PASSWORD"
  else echo "berth-entrypoint: set MARIADB_ROOT_PASSWORD_FILE (or MARIADB_ROOT_PASSWORD)" >&2; exit 1; fi
}
memory_limit() {
  local limit=${BERTH_MEMORY_LIMIT:-}
  [ -z "$limit" ] && [ -r /sys/fs/cgroup/memory.max ] && limit=$(cat /sys/fs/cgroup/memory.max)
  [ -z "$limit" ] && [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ] && limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
  case "$limit" in ''|max|*[!0-9]*) limit=$((1024 * 1024 * 1024)) ;; esac
  [ "$limit" -gt $((64 * 1024 * 1024 * 1024)) ] && limit=$((1024 * 1024 * 1024))
  echo "$limit"
}
write_config() {
  local mb pool
  mb=$(( $(memory_limit) / 1024 / 1024 )); pool=$((mb / 2)); [ "$pool" -lt 32 ] && pool=32
  sed -e "s/@MAX_CONNECTIONS@/${MARIADB_MAX_CONNECTIONS:-151}/" -e "s/@BUFFER_POOL@/${pool}M/" \
    /usr/local/share/berth/berth.cnf.template > /etc/mysql/mariadb.conf.d/99-berth.cnf
}
ensure_certificate() {
  mkdir -p "/etc/mysql/berth-ssl"
  if [ ! -s "/etc/mysql/berth-ssl/server.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=${HOSTNAME:-mariadb}" \
      -keyout "/etc/mysql/berth-ssl/server.key" -out "/etc/mysql/berth-ssl/server.crt" 2>/dev/null
  fi
  chown -R mysql:mysql "/etc/mysql/berth-ssl"; chmod 600 "/etc/mysql/berth-ssl/server.key"
}
sql_literal() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }

mkdir -p "$DATA" /run/mysqld
ensure_certificate
chown mysql:mysql "$DATA" /run/mysqld
write_config
if [ ! -d "$DATA/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$DATA" --auth-root-authentication-method=socket >/dev/null
  pw=$(sql_literal "$(password)")
  health_pw=$(openssl rand -hex 24)
  umask 077; printf '[client]\nuser=berth_health\npassword=%s\n' "$health_pw" > "$DATA/.berth-health.cnf"; umask 022
  chown mysql:mysql "$DATA/.berth-health.cnf"
  mariadbd --user=mysql --datadir="$DATA" --skip-networking --socket=/run/mysqld/init.sock &
  server=$!
  for _ in $(seq 1 100); do mariadb-admin --socket=/run/mysqld/init.sock --silent ping 2>/dev/null && break; sleep 0.2; done
  mariadb --socket=/run/mysqld/init.sock <<SQL
CREATE USER 'root'@'%' IDENTIFIED BY $pw;
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
CREATE USER 'berth_health'@'127.0.0.1' IDENTIFIED BY '$health_pw';
DELETE FROM mysql.global_priv WHERE User = '';
DROP DATABASE IF EXISTS test;
DELETE FROM mysql.db WHERE Db IN ('test', 'test\\_%');
FLUSH PRIVILEGES;
SQL
  shopt -s nullglob
  for f in /initdb.d/*; do
    case "$f" in
      *.sql) echo "berth-entrypoint: running $f"; mariadb --socket=/run/mysqld/init.sock < "$f" ;;
      *.sh) echo "berth-entrypoint: running $f"; MARIADB_SOCKET=/run/mysqld/init.sock bash "$f" ;;
      *) echo "berth-entrypoint: ignoring $f (only .sql and .sh run)" ;;
    esac
  done
  mariadb-admin --socket=/run/mysqld/init.sock shutdown
  wait "$server" || true
fi
ensure_certificate
exec mariadbd --user=mysql --datadir="$DATA" "$@"
