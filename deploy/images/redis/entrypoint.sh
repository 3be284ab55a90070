#!/bin/bash
# Redis for a Berth instance: append-only persistence in /data and users in /data/users.acl. On the first start
# the ACL file gets the admin user ($REDIS_ADMIN_USER, default "admin") with the password from
# $REDIS_PASSWORD_FILE or $REDIS_PASSWORD, stored as its SHA-256 only, and the default user switched off: nobody
# gets in without a user and password, and no password is ever on the server's command line.
# $BERTH_MEMORY_LIMIT (bytes) sets maxmemory to 3/4 of it.
set -euo pipefail
mkdir -p /data && chown redis:redis /data
if [ ! -s /data/users.acl ]; then
  if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then pw=$(cat "$REDIS_PASSWORD_FILE"); else pw=${REDIS_PASSWORD:-}; fi
  [ -n "$pw" ] || { echo "berth-entrypoint: set REDIS_PASSWORD_FILE (or REDIS_PASSWORD)" >&2; exit 1; }
  hash=$(printf '%s' "$pw" | sha256sum | cut -d' ' -f1)
  printf 'user default off resetchannels -@all\nuser %s on #%s ~* &* +@all\n' "${REDIS_ADMIN_USER:-admin}" "$hash" \
    > /data/users.acl
  chown redis:redis /data/users.acl; chmod 600 /data/users.acl
fi
args=(--bind 0.0.0.0 --protected-mode no --dir /data --appendonly yes --daemonize no --aclfile /data/users.acl)
if [ -n "${BERTH_MEMORY_LIMIT:-}" ]; then args+=(--maxmemory $((BERTH_MEMORY_LIMIT * 3 / 4))); fi
exec setpriv --reuid=redis --regid=redis --init-groups redis-server "${args[@]}" "$@"
