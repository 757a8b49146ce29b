// The consistency bench's baselines: a pair's SQL — one insert on the primary, one read by id on a standby — at
// the pairs' concurrency, through pgbench (where installed) and raw pg, in the same run. The pgbench part is the
// baselines' runPgbenchBaselines (reads split over every standby) with this bench's SQL.
import type { PgbenchOutcome, RawPgResult } from '../baseline/baseline-result';
import { runRawPg } from '../baseline/run-raw-pg';
import { runPgbenchBaselines } from '../baseline/run-pgbench-baselines';
import type { Config } from '../../config';
import { queryOnce } from '../../db/pg-client';
import { INSERT_PROBE_ROW } from '../../replication/queries';

/** The pair's read as plain SQL: the row Prisma's findUnique({ where: { id } }) asks for. */
export const READ_BY_ID_SQL = 'SELECT id, data, created_at FROM test_replication WHERE id = $1';

/** The same read for pgbench: an id drawn from the table's range (:lo, :hi come through -D). */
export const PGBENCH_READ_BY_ID_SQL =
  '\\set id random(:lo, :hi)\nSELECT id, data, created_at FROM test_replication WHERE id = :id';

/** The pair's write for pgbench: one constant row (pgbench scripts take no bind values). */
export const PGBENCH_PAIR_WRITE_SQL = "INSERT INTO test_replication (data) VALUES ('bench-consistency pgbench write')";

/** The ids the read-by-id baselines draw from. */
export const ID_RANGE = 'SELECT min(id)::int AS lo, max(id)::int AS hi FROM test_replication';

/** The data of the raw pg baseline's rows (it writes with INSERT_PROBE_ROW, like the pairs' insert). */
const RAW_PG_WRITE_DATA = 'bench-consistency raw-pg write';

export interface ConsistencyBaselines {
  /** pgbench's read (split over the standbys) and write (primary); null when not run (see `notRun`). */
  readonly pgbench: { readonly read: PgbenchOutcome; readonly write: PgbenchOutcome } | null;
  /** Raw pg's read (the standbys in turn) and write (primary); null when not run. */
  readonly rawPg: { readonly read: RawPgResult; readonly write: RawPgResult } | null;
  /** Why pgbench was not run (turned off, interrupted), or null when it was. */
  readonly notRun: string | null;
  /** Concurrent clients of every baseline run: the pairs' concurrency. */
  readonly clients: number;
}

export interface ConsistencyBaselineOptions {
  /** The pairs' concurrency. */
  readonly clients: number;
  /** Seconds of each pgbench run; 0: no pgbench. */
  readonly seconds: number;
  /** Raw pg queries of each workload; 0: no raw pg. */
  readonly ops: number;
  /** The pgbench executable; default: found on PATH or in /usr/lib/postgresql. */
  readonly pgbench?: string;
  readonly log?: (line: string) => void;
}

/** The baselines with nothing run: `reason` says why. */
export const noBaselines = (clients: number, reason: string): ConsistencyBaselines => ({
  pgbench: null,
  rawPg: null,
  notRun: reason,
  clients,
});

/**
 * Runs pgbench (read, then write) and raw pg (read, then write), each with `clients` connections. A missing or
 * failing pgbench is an outcome with its reason, never an error; a failing raw pg run throws.
 */
export async function runConsistencyBaselines(
  config: Config,
  options: ConsistencyBaselineOptions,
): Promise<ConsistencyBaselines> {
  const [range] = await queryOnce<{ lo: number | null; hi: number | null }>(config.primaryUrl, ID_RANGE);
  const lo = range?.lo ?? 1;
  const hi = Math.max(lo, range?.hi ?? 1);
  let pgbench: ConsistencyBaselines['pgbench'] = null;
  if (options.seconds > 0) {
    options.log?.(
      `baselines: pgbench, ${options.clients} clients, read by id split over ${config.replicaUrls.length} ` +
        `standbys, then insert on the primary, ${options.seconds} s each`,
    );
    pgbench = await runPgbenchBaselines(config, {
      clients: options.clients,
      seconds: options.seconds,
      readSql: PGBENCH_READ_BY_ID_SQL,
      writeSql: PGBENCH_PAIR_WRITE_SQL,
      variables: { lo, hi },
      ...(options.pgbench ? { pgbench: options.pgbench } : {}),
    });
  }
  let rawPg: ConsistencyBaselines['rawPg'] = null;
  if (options.ops > 0) {
    options.log?.(
      `baselines: raw pg, ${options.clients} clients, ${options.ops} reads by id, then ${options.ops} inserts`,
    );
    const span = hi - lo + 1;
    const read = await runRawPg({
      url: config.replicaUrls,
      sql: READ_BY_ID_SQL,
      params: () => [lo + Math.floor(Math.random() * span)],
      clients: options.clients,
      iterations: options.ops,
    });
    const write = await runRawPg({
      url: config.primaryUrl,
      sql: INSERT_PROBE_ROW,
      params: [RAW_PG_WRITE_DATA],
      clients: options.clients,
      iterations: options.ops,
    });
    rawPg = { read, write };
  }
  return {
    pgbench,
    rawPg,
    notRun: pgbench ? null : 'pgbench was turned off for this run (--baseline-seconds 0).',
    clients: options.clients,
  };
}

/** A mode's read and write p50 over the baselines' p50 (> 1: slower than the baseline); null without one. */
export interface ModeRatios {
  readonly readVsPgbench: number | null;
  readonly readVsRawPg: number | null;
  readonly writeVsPgbench: number | null;
  readonly writeVsRawPg: number | null;
}

const p50Of = (r: PgbenchOutcome | RawPgResult | undefined): number | null =>
  r?.status === 'ok' && r.p50Ms !== null && r.p50Ms > 0 ? r.p50Ms : null;

const over = (a: number, b: number | null) => (b === null ? null : a / b);

/** The pair's read and write p50 of one mode as ratios to the baselines' p50. */
export function modeRatios(
  mode: { readonly read: { readonly p50Ms: number }; readonly write: { readonly p50Ms: number } },
  b: ConsistencyBaselines,
): ModeRatios {
  return {
    readVsPgbench: over(mode.read.p50Ms, p50Of(b.pgbench?.read)),
    readVsRawPg: over(mode.read.p50Ms, p50Of(b.rawPg?.read)),
    writeVsPgbench: over(mode.write.p50Ms, p50Of(b.pgbench?.write)),
    writeVsRawPg: over(mode.write.p50Ms, p50Of(b.rawPg?.write)),
  };
}

/** One line per baseline run, for the printed summary and the report's notes. */
export function describeBaselines(b: ConsistencyBaselines): string[] {
  const figures = (r: PgbenchOutcome | RawPgResult | undefined, what: string): string => {
    if (r === undefined) return '';
    if (r.status !== 'ok') return `${what}: ${r.reason}`;
    const p50 = r.p50Ms === null ? '—' : r.p50Ms.toFixed(3);
    return `${what}: p50 ${p50} ms, ${Math.round(r.opsPerSec)} ops/s, ${r.clients} clients, on ${r.target}`;
  };
  const pgbenchWrite = b.pgbench?.write === b.pgbench?.read ? undefined : b.pgbench?.write;
  return [
    ...(b.pgbench === null ? [`pgbench not run: ${b.notRun ?? ''}`] : []),
    figures(b.pgbench?.read, 'pgbench read by id'),
    figures(pgbenchWrite, 'pgbench insert'),
    figures(b.rawPg?.read, 'raw pg read by id'),
    figures(b.rawPg?.write, 'raw pg insert'),
  ].filter((line) => line !== '');
}
