// The targets a leader change must meet, checked against one run's figures: no failed read, no lost write, and
// writes unavailable no longer than Patroni's own leader change plus half a second (the router's share).
export interface HaFigures {
  readonly readsFailed: number;
  readonly writesLost: number;
  /** Null when writes never came back within the run. */
  readonly writeUnavailabilityMs: number | null;
  readonly patroniLeaderChangeMs: number;
}

export interface TargetCheck {
  readonly name: string;
  /** The target in words, e.g. `≤ 1234 ms (Patroni + 500 ms)`. */
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** How much longer than Patroni's leader change writes through rwsplit may be unavailable, in ms. */
export const ROUTER_ALLOWANCE_MS = 500;

export function checkHaTargets(f: HaFigures): TargetCheck[] {
  const limit = f.patroniLeaderChangeMs + ROUTER_ALLOWANCE_MS;
  return [
    { name: 'reads failed', target: '0', value: String(f.readsFailed), met: f.readsFailed === 0 },
    { name: 'writes lost', target: '0', value: String(f.writesLost), met: f.writesLost === 0 },
    {
      name: 'write unavailability',
      target: `≤ ${limit.toFixed(0)} ms (Patroni ${f.patroniLeaderChangeMs.toFixed(0)} + ${ROUTER_ALLOWANCE_MS})`,
      value: f.writeUnavailabilityMs === null ? 'writes never resumed' : `${f.writeUnavailabilityMs.toFixed(0)} ms`,
      met: f.writeUnavailabilityMs !== null && f.writeUnavailabilityMs <= limit,
    },
  ];
}
