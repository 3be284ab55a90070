#!/bin/bash
# Redis: append-only persistence in /data, a password when $REDIS_PASSWORD is set, in the foreground.
set -euo pipefail
mkdir -p /data && chown -R redis:redis /data
args=(--bind 0.0.0.0 --protected-mode no --dir /data --appendonly yes --daemonize no)
[ -n "${REDIS_PASSWORD:-}" ] && args+=(--requirepass "$REDIS_PASSWORD")
exec setpriv --reuid=redis --regid=redis --init-groups redis-server "${args[@]}" "$@"
