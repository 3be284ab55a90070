#!/bin/bash
# MariaDB: initializes an empty /var/lib/mysql (root with $MARIADB_ROOT_PASSWORD, from any host), then runs the
# server in the foreground.
set -euo pipefail
: "${MARIADB_ROOT_PASSWORD:?set MARIADB_ROOT_PASSWORD}"
mkdir -p /var/lib/mysql /run/mysqld
chown -R mysql:mysql /var/lib/mysql /run/mysqld
if [ ! -d /var/lib/mysql/mysql ]; then
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --auth-root-authentication-method=normal >/dev/null
  init=$(mktemp); chown mysql "$init"
  pw=${MARIADB_ROOT_PASSWORD//\\/\\\\}; pw=${pw//\'/\\\'}
  # --bootstrap starts without the grant tables loaded: FLUSH PRIVILEGES first loads them.
  cat > "$init" <<SQL
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw';
CREATE USER 'root'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  mariadbd --user=mysql --datadir=/var/lib/mysql --skip-networking --bootstrap < "$init"
  rm -f "$init"
fi
exec mariadbd --user=mysql --datadir=/var/lib/mysql --bind-address=0.0.0.0 "$@"
