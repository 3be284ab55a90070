#!/bin/bash
# Healthy when the admin user gets PONG over TCP. The password goes through REDISCLI_AUTH, never the command line.
set -euo pipefail
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then REDISCLI_AUTH=$(cat "$REDIS_PASSWORD_FILE"); else REDISCLI_AUTH=${REDIS_PASSWORD:-}; fi
export REDISCLI_AUTH
[ "$(timeout 4 redis-cli -h 127.0.0.1 -p 6379 --user "${REDIS_ADMIN_USER:-admin}" ping 2>/dev/null)" = PONG ]
