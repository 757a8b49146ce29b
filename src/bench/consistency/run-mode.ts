// One mode of one scenario of `npm run bench:consistency`: its pairs through the router (under the scenario's
// fault, if any), measured into a ModeResult; remote_apply makes the standbys synchronous for its own run only.
import { performance } from 'node:perf_hooks';
import type { RoutingStats } from 'rwsplit';
import type { AppRwsplit } from '../../db/app-rwsplit';
import type { BenchMode } from './bench-options';
import { type Run, totalPairs } from './bench-run';
import { faultReadBoundMs, type FaultSpec } from './fault-spec';
import { describeLag, type LagSpec } from './lag-injection';
import { modeResult } from './mode-result';
import { runPairs } from './run-pairs';
import { type FaultRun, type FaultTimeline, startFault } from './start-fault';
import { existingSynchronousStandbys, makeAllStandbysSynchronous } from './synchronous-standbys';

/** rw.stats() differences. */
const statsSince = (rw: AppRwsplit, before: RoutingStats): RoutingStats => {
  const now = rw.stats();
  return {
    positionRequests: now.positionRequests - before.positionRequests,
    positionQueries: now.positionQueries - before.positionQueries,
    replayQueries: now.replayQueries - before.replayQueries,
  };
};

/** Why a mode does not run in a scenario, or null when it does. */
function notRunIn(spec: LagSpec, mode: BenchMode): string | null {
  if (spec.kind === 'fault' && mode === 'remote_apply') {
    return (
      'remote_apply makes every standby synchronous, so with one frozen every write would wait for the whole ' +
      'fault: it measures the writes, not the reads'
    );
  }
  if (spec.kind === 'split' && mode === 'remote_apply') {
    return (
      'remote_apply makes every standby synchronous, so with one standby’s replay paused every write would wait ' +
      'until the scenario ends'
    );
  }
  return null;
}

/** The router a mode runs on in the current scenario. */
function routerOf(run: Run, mode: BenchMode): AppRwsplit {
  if (mode === 'eventual-plain') {
    if (!run.plainRw)
      throw new Error('eventual-plain runs on its own router (monotonicReads: false), which is not open.');
    return run.plainRw;
  }
  return run.scenarioRw ?? run.rw;
}

export async function runMode(run: Run, spec: LagSpec, mode: BenchMode): Promise<void> {
  const label = `${spec.kind}/${mode}`;
  const { opts, hooks, nodes } = run;
  const skip = (reason: string) => {
    run.skipped.push({ scenario: spec.kind, mode, reason });
    run.done += opts.pairs;
    hooks.onProgress?.(run.done, totalPairs(opts), label);
  };
  const notRun = notRunIn(spec, mode);
  if (notRun) return skip(notRun);
  let note: string | null = null;
  let undoSync: () => Promise<void> = async () => undefined;
  if (mode === 'remote_apply') {
    if (run.access && run.ledger) {
      const sync = await makeAllStandbysSynchronous(nodes, run.access, run.ledger);
      undoSync = sync.undo;
      note =
        sync.names === sync.before
          ? `synchronous_standby_names was already '${sync.names}'`
          : `synchronous_standby_names set to '${sync.names}' for this mode (was '${sync.before}')`;
    } else {
      const names = await existingSynchronousStandbys(nodes.primary.url);
      if (names === null) {
        return skip(
          'the primary names no synchronous standby, and --no-inject forbids setting synchronous_standby_names',
        );
      }
      note = `the primary's own synchronous_standby_names '${names}': reads on a standby outside it can be stale`;
    }
  }
  const rw = routerOf(run, mode);
  const clock = () => performance.now() - run.origin;
  let timeline: FaultTimeline | null = null;
  try {
    hooks.log?.(
      `${label}: ${opts.pairs} pairs (${opts.sessionReads} reads per session), concurrency ${opts.concurrency}, ` +
        describeLag(spec),
    );
    const writesBefore = run.writer?.stats().writes ?? 0;
    const statsBefore = rw.stats();
    const startMs = clock();
    if (spec.kind === 'fault') run.fault = startFaultOf(run, spec, clock);
    const fault = run.fault;
    // A fault run may take more pairs than asked: progress counts the asked ones.
    const base = run.done;
    let ran = 0;
    let pairs;
    try {
      pairs = await runPairs(rw, run.tracker, mode, {
        pairs: opts.pairs,
        concurrency: opts.concurrency,
        label,
        signal: hooks.signal,
        clock,
        sessionReads: opts.sessionReads,
        sessionReadGapMs: opts.sessionReadGapMs,
        // Every mode runs through the whole fault, however fast its pairs go.
        ...(fault ? { keepGoing: () => !fault.over } : {}),
        onPair: () => {
          run.done = base + Math.min(++ran, opts.pairs);
          hooks.onProgress?.(run.done, totalPairs(opts), label);
        },
      });
    } finally {
      if (fault) {
        run.fault = null;
        timeline = await fault.stop();
      }
    }
    if (pairs.outcomes.length === 0) return;
    run.results.push(
      modeResult(pairs, {
        scenario: spec.kind,
        lag: describeLag(spec),
        mode,
        // The application's routers leave monotonicReads at the library's default (on); eventual-plain's turns it off.
        monotonicReads: mode !== 'eventual-plain',
        sessionReads: opts.sessionReads,
        startMs,
        backgroundWrites: (run.writer?.stats().writes ?? 0) - writesBefore,
        note,
        nameOf: nodes.nameOf,
        stats: statsSince(rw, statsBefore),
        ...(timeline && spec.kind === 'fault'
          ? {
              fault: {
                timeline,
                replicaReadTimeoutMs: spec.replicaReadTimeoutMs,
                readBoundMs: faultReadBoundMs(spec),
              },
            }
          : {}),
      }),
    );
  } finally {
    await undoSync();
  }
}

function startFaultOf(run: Run, spec: FaultSpec, clock: () => number): FaultRun {
  if (!run.access || !run.ledger)
    throw new Error('The fault scenario needs the local cluster (it is not --no-inject).');
  return startFault(
    spec,
    run.nodes.standbys.map((s) => s.name),
    run.access.control,
    run.ledger,
    {
      clock,
      ...(run.hooks.signal ? { signal: run.hooks.signal } : {}),
      ...(run.hooks.log ? { log: run.hooks.log } : {}),
    },
  );
}
