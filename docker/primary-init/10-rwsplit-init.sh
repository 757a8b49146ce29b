#!/bin/bash
# Primary bootstrap, run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d),
# while the server listens on its Unix socket only. Creates the roles, the app database and the standby's slot
# (sql/rwsplit-init.sql, values passed as psql variables), then lets the replication role connect over the network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${REPLICATION_USER:=replicator}"

psql -X -q -v ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v app_user="${APP_USER:-rwsplit}" \
  -v app_password="${APP_PASSWORD:?set APP_PASSWORD}" \
  -v app_db="${APP_DB:-rwsplit}" \
  -v repl_user="$REPLICATION_USER" \
  -v repl_password="${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}" \
  -v slot_name="${REPLICATION_SLOT:-standby1}" \
  -f "$here/sql/rwsplit-init.sql"

# Streaming replication connects to the pseudo-database "replication", which "host all all" does not cover.
hba_line="host replication ${REPLICATION_USER} all scram-sha-256"
if ! grep -qxF "$hba_line" "$PGDATA/pg_hba.conf"; then
  printf '%s\n' "$hba_line" >>"$PGDATA/pg_hba.conf"
fi
