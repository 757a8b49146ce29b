#!/bin/bash
# Entrypoint of postgres-standby. On an empty data volume it clones the primary with pg_basebackup -R, which
# writes standby.signal and primary_conninfo (with the replication password, so the standby can reconnect) and
# uses the primary's slot. Then it hands over to the image's own entrypoint, which starts the server as a standby.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:=postgres-primary}"
: "${PRIMARY_PORT:=5432}"
: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_SLOT:=standby1}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "standby: empty data folder, cloning ${PRIMARY_HOST}:${PRIMARY_PORT} as ${REPLICATION_USER}"
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do
    echo "standby: waiting for the primary"
    sleep 1
  done
  # The password reaches pg_basebackup through its environment only, never its command line.
  PGPASSWORD="${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}" gosu postgres \
    pg_basebackup --pgdata="$PGDATA" --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" \
    --username="$REPLICATION_USER" --slot="$REPLICATION_SLOT" \
    --wal-method=stream --checkpoint=fast --write-recovery-conf --no-password
  echo "standby: base backup done"
fi

exec docker-entrypoint.sh "$@"
