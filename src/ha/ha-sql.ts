// The little SQL the HA cluster needs: the application's database and role (Patroni creates only the superuser,
// replication and rewind roles), and the checks behind "writable" and "streaming".
import { withPg } from '../db/pg-client';
import { appUrl, superuserUrl, type HaConfig } from './ha-config';

/** Short timeouts: these run inside polling waits, where a stuck server must cost a poll, not the whole wait. */
const CONNECT_MS = 2000;
const QUERY_MS = 5000;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Creates the application role (with its password) and database on the leader when missing. Idempotent. */
export async function ensureAppDatabase(cfg: HaConfig, host: string, port: number): Promise<void> {
  await withPg(
    superuserUrl(cfg, host, port),
    async (client) => {
      const role = await client.query('select 1 from pg_roles where rolname = $1', [cfg.appUser]);
      const password = quoteLiteral(cfg.appPassword);
      if (role.rowCount === 0) {
        await client.query(`create role ${quoteIdent(cfg.appUser)} login password ${password}`);
      } else {
        // Keeps the password in line with the config, e.g. after it changed.
        await client.query(`alter role ${quoteIdent(cfg.appUser)} login password ${password}`);
      }
      await client.query(`grant pg_monitor to ${quoteIdent(cfg.appUser)}`);
      const db = await client.query('select 1 from pg_database where datname = $1', [cfg.database]);
      if (db.rowCount === 0) {
        await client.query(`create database ${quoteIdent(cfg.database)} owner ${quoteIdent(cfg.appUser)}`);
      }
    },
    CONNECT_MS,
    QUERY_MS,
  );
}

/** True when the server on host:port accepts a write from the application user (a temp table write, no trace). */
export async function isWritable(cfg: HaConfig, host: string, port: number): Promise<boolean> {
  return withPg(
    appUrl(cfg, host, port),
    async (client) => {
      const r = await client.query<{ ro: boolean }>('select pg_is_in_recovery() as ro');
      if (r.rows[0]?.ro !== false) return false;
      await client.query('create temp table ha_write_probe(x int); insert into ha_write_probe values (1)');
      return true;
    },
    CONNECT_MS,
    QUERY_MS,
  ).catch(() => false);
}

/** pg_is_in_recovery() of the server on host:port, asked as the application user. */
export async function inRecovery(cfg: HaConfig, host: string, port: number): Promise<boolean> {
  return withPg(
    appUrl(cfg, host, port),
    async (client) => {
      const r = await client.query<{ ro: boolean }>('select pg_is_in_recovery() as ro');
      return r.rows[0]?.ro === true;
    },
    CONNECT_MS,
    QUERY_MS,
  );
}

/** The application_name (Patroni's member name) of each replica streaming from the leader on host:port. */
export async function streamingReplicas(cfg: HaConfig, host: string, port: number): Promise<string[]> {
  return withPg(
    superuserUrl(cfg, host, port),
    async (client) => {
      const r = await client.query<{ name: string }>(
        "select application_name as name from pg_stat_replication where state = 'streaming' order by 1",
      );
      return r.rows.map((row) => row.name);
    },
    CONNECT_MS,
    QUERY_MS,
  );
}

export interface SyncReplicationState {
  /** The leader's synchronous_standby_names (Patroni sets it in synchronous mode; empty otherwise). */
  readonly standbyNames: string;
  /** application_name (Patroni's member name) of each replica streaming with sync_state `sync`. */
  readonly syncStandbys: readonly string[];
}

/** What the leader on host:port says about synchronous replication: whom it waits for, and who is in sync. */
export async function syncReplicationState(cfg: HaConfig, host: string, port: number): Promise<SyncReplicationState> {
  return withPg(
    superuserUrl(cfg, host, port),
    async (client) => {
      const names = await client.query<{ names: string }>(
        "select current_setting('synchronous_standby_names') as names",
      );
      const sync = await client.query<{ name: string }>(
        "select application_name as name from pg_stat_replication where state = 'streaming' and sync_state = 'sync' " +
          'order by 1',
      );
      return { standbyNames: names.rows[0]?.names ?? '', syncStandbys: sync.rows.map((row) => row.name) };
    },
    CONNECT_MS,
    QUERY_MS,
  );
}
