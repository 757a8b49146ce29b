-- Roles, database and replication slot the rwsplit stack needs on the primary. Idempotent: re-running it
-- creates what is missing and resets passwords and attributes to the given values.
-- Run by ../10-rwsplit-init.sh with psql variables (never spliced into SQL text by a shell):
--   app_user, app_password, app_db, repl_user, repl_password, slot_name
-- Identifiers are quoted by format('%I'), literals by format('%L') or psql's :'var'; \gexec runs the result.

-- Passwords below are stored as SCRAM verifiers, whatever the server's default.
SET password_encryption = 'scram-sha-256';

-- Replication role: may stream WAL (pg_basebackup, standbys), nothing else.
SELECT format('CREATE ROLE %I', :'repl_user')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'repl_user') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
              :'repl_user', :'repl_password') \gexec

-- Application role: owns the app database; pg_monitor lets it read replication status and lag.
SELECT format('CREATE ROLE %I', :'app_user')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOREPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
              :'app_user', :'app_password') \gexec
SELECT format('GRANT pg_monitor TO %I', :'app_user') \gexec

-- The app database, owned by the app role (so Prisma migrations may create tables in its public schema).
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'app_db', :'app_user', 'UTF8')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'app_db') \gexec

-- The standby's physical slot: the primary keeps WAL until the standby has it (pg_basebackup -S uses it).
SELECT slot_name FROM pg_create_physical_replication_slot(:'slot_name')
WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = :'slot_name');
