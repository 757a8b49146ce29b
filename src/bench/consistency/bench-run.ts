// The state of one `npm run bench:consistency` run, shared by its scenarios and modes, and the caller's hooks.
import type { AppRwsplit } from '../../db/app-rwsplit';
import type { BackgroundWriter } from './background-writer';
import type { AdminAccess, BenchNodes } from './bench-nodes';
import type { BenchMode, ResolvedOptions } from './bench-options';
import type { LagInjection } from './lag-injection';
import type { ModeResult } from './mode-result';
import type { PairTracker } from './pair-tracker';
import type { RestoreLedger } from './restore-ledger';
import type { FaultRun } from './start-fault';

export interface BenchHooks {
  /** Progress lines. Default: silent. */
  readonly log?: (line: string) => void;
  /** After every pair (and for skipped modes): pairs done so far of `total`, and the current `scenario/mode`. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /** Aborting stops starting pairs; the cluster is restored and a partial result returned. */
  readonly signal?: AbortSignal;
}

export interface Run {
  readonly opts: ResolvedOptions;
  readonly nodes: BenchNodes;
  readonly access: AdminAccess | null;
  readonly ledger: RestoreLedger | null;
  readonly rw: AppRwsplit;
  /**
   * The running scenario's own router, when it needs other settings than `rw`'s: the fault scenario's deadline and
   * check timeout, the split scenario's lag thresholds. Null: the scenario runs on `rw`.
   */
  scenarioRw: AppRwsplit | null;
  /** The running scenario's router with `monotonicReads: false` (its other settings as the scenario's), for `eventual-plain`. */
  plainRw: AppRwsplit | null;
  /** The fault of the mode running now. */
  fault: FaultRun | null;
  readonly tracker: PairTracker;
  /** performance.now() when measuring began: lag samples and mode windows count from it. */
  origin: number;
  readonly hooks: BenchHooks;
  readonly results: ModeResult[];
  readonly skipped: { scenario: string; mode: BenchMode; reason: string }[];
  done: number;
  writer: BackgroundWriter | null;
  injection: LagInjection | null;
  /** The primary, and its highest id before the run wrote anything: rows above it with the run's text are its own. */
  readonly primaryUrl: string;
  readonly idBefore: number;
  deletedRows: number;
}

/** Pairs the whole run asks for: every mode of every scenario. */
export const totalPairs = (o: ResolvedOptions): number => o.scenarios.length * o.modes.length * o.pairs;
