#!/bin/bash
# Healthy when the server answers over TCP as berth_health (a user with no privileges, made at initialization, whose
# password is in the datadir, 0600). During initialization the server runs with --skip-networking, so this fails.
exec mariadb-admin --defaults-extra-file=/var/lib/mysql/.berth-health.cnf --host=127.0.0.1 --port=3306 \
  --connect-timeout=4 --silent ping
