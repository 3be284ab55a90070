#!/bin/bash
# Healthy only when the server accepts TCP connections: during initdb and the init files the server listens on its
# socket only, so this does not pass before the instance is really ready.
exec pg_isready --quiet --host 127.0.0.1 --port 5432 --timeout 4
