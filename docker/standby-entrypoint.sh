#!/bin/bash
# Entrypoint of postgres-standby. On an empty data volume it clones the primary with pg_basebackup -R, which
# writes standby.signal and primary_conninfo (with the replication password, so the standby can reconnect) and
# uses the primary's slot. Then it hands over to the image's own entrypoint, which starts the server as a standby.
# Waiting for the primary is bounded by PRIMARY_WAIT_SECONDS (default 120).
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:=postgres-primary}"
: "${PRIMARY_PORT:=5432}"
: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_SLOT:=standby1}"
: "${PRIMARY_WAIT_SECONDS:=120}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${REPLICATION_PASSWORD:-}" ]; then
    echo "standby: REPLICATION_PASSWORD is not set; the empty data folder cannot be cloned from the primary." \
      "Set it to the replication role's password (docker-compose.yml passes RWSPLIT_REPLICATION_PASSWORD)." >&2
    exit 1
  fi
  echo "standby: empty data folder, cloning ${PRIMARY_HOST}:${PRIMARY_PORT} as ${REPLICATION_USER}"
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  deadline=$((SECONDS + PRIMARY_WAIT_SECONDS))
  until pg_isready -q -t 5 -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "standby: the primary ${PRIMARY_HOST}:${PRIMARY_PORT} did not accept connections within" \
        "${PRIMARY_WAIT_SECONDS}s. Check that it is up and healthy (docker compose ps; docker compose logs" \
        "postgres-primary), then restart this service, or raise PRIMARY_WAIT_SECONDS." >&2
      exit 1
    fi
    echo "standby: waiting for the primary"
    sleep 1
  done
  # The password reaches pg_basebackup through its environment only, never its command line.
  PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres \
    pg_basebackup --pgdata="$PGDATA" --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" \
    --username="$REPLICATION_USER" --slot="$REPLICATION_SLOT" \
    --wal-method=stream --checkpoint=fast --write-recovery-conf --no-password
  echo "standby: base backup done"
fi

exec docker-entrypoint.sh "$@"
