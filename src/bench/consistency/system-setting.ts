// Changing a server setting for the length of a benchmark, and putting it back exactly: ALTER SYSTEM + reload,
// then RESET (or the earlier ALTER SYSTEM value) afterwards, waiting each time until new sessions see the value.
import { type PgTarget, queryOnce, withPg } from '../../db/pg-client';
import {
  ALTER_SYSTEM_RESET_SQL,
  ALTER_SYSTEM_SET_SQL,
  AUTO_CONF_VALUE,
  CURRENT_SETTING,
  RELOAD_CONF,
} from './admin-sql';

/** How long a reload may take to reach new sessions before we give up, in ms. */
export const RELOAD_TIMEOUT_MS = 10_000;

/** A setting as it was before the bench changed it: enough to put it back. */
export interface SavedSetting {
  /** The setting's name, e.g. `recovery_min_apply_delay`. */
  readonly name: string;
  /** What postgresql.auto.conf held (null: nothing, so restoring means ALTER SYSTEM RESET). */
  readonly autoConf: string | null;
  /** The value sessions saw, e.g. `0` or `ANY 1 (standby1, standby2)`; restoring waits until they see it again. */
  readonly effective: string;
}

/** Reads what is needed to restore `name` later. */
export async function saveSetting(target: PgTarget, name: string): Promise<SavedSetting> {
  const [auto, current] = await Promise.all([
    queryOnce<{ setting: string }>(target, AUTO_CONF_VALUE, [name]),
    queryOnce<{ value: string }>(target, CURRENT_SETTING, [name]),
  ]);
  return { name, autoConf: auto[0]?.setting ?? null, effective: current[0]?.value ?? '' };
}

/** Polls new sessions until `name` reads `expected` (a reload is asynchronous). */
export async function waitForSetting(
  target: PgTarget,
  name: string,
  expected: string,
  timeoutMs = RELOAD_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await queryOnce<{ value: string }>(target, CURRENT_SETTING, [name]))[0]?.value ?? '';
    if (seen === expected) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(
    `${name} still reads "${seen}", not "${expected}", ${timeoutMs / 1000}s after pg_reload_conf(). ` +
      'Look at the node log for a configuration error.',
  );
}

/**
 * ALTER SYSTEM SET `name` = `value` (or RESET when `value` is null), then reloads. Returns without waiting for
 * sessions to see it (see waitForSetting).
 */
export async function alterSystem(target: PgTarget, name: string, value: string | null): Promise<void> {
  try {
    await withPg(target, async (c) => {
      const built =
        value === null
          ? await c.query<{ sql: string }>(ALTER_SYSTEM_RESET_SQL, [name])
          : await c.query<{ sql: string }>(ALTER_SYSTEM_SET_SQL, [name, value]);
      await c.query(built.rows[0]!.sql);
      await c.query(RELOAD_CONF);
    });
  } catch (cause) {
    const what = value === null ? `ALTER SYSTEM RESET ${name}` : `ALTER SYSTEM SET ${name} = '${value}'`;
    throw new Error(`${what} failed. It needs the superuser over the local cluster's socket.`, { cause });
  }
}

/** Sets `name` to `value` and waits until new sessions see `expected` (the server's spelling, e.g. `200ms`). */
export async function applySetting(target: PgTarget, name: string, value: string, expected = value): Promise<void> {
  await alterSystem(target, name, value);
  await waitForSetting(target, name, expected);
}

/** Puts a saved setting back and waits until new sessions see the old value again. */
export async function restoreSetting(target: PgTarget, saved: SavedSetting): Promise<void> {
  await alterSystem(target, saved.name, saved.autoConf);
  await waitForSetting(target, saved.name, saved.effective);
}
