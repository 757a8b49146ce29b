// The fault scenario: in every mode's run, the first standby is frozen (SIGSTOP of all its server processes: it
// accepts connections in the kernel but answers nothing, like a network partition), the second is killed
// (immediate stop) a moment later, and both are restored (SIGCONT, restart) while pairs keep running. The reads
// go through a router of their own whose deadline (replicaReadTimeoutMs) and check timeout are the scenario's.

export interface FaultSpec {
  readonly kind: 'fault';
  /** When the first standby is frozen, in ms from the start of the mode's run. */
  readonly freezeAtMs: number;
  /** When the second standby (if any) is killed, in ms from the start of the mode's run. */
  readonly killAtMs: number;
  /** When both are restored, in ms from the start of the mode's run. */
  readonly restoreAtMs: number;
  /** The fault router's replicaReadTimeoutMs: the longest a read may wait on one replica. */
  readonly replicaReadTimeoutMs: number;
  /** The fault router's checkTimeoutMs: a check unanswered this long ejects the frozen standby. */
  readonly checkTimeoutMs: number;
  /**
   * The fault router's connectTimeoutMs, or null for the configured one. replicaReadTimeoutMs does not bound
   * opening a connection: a read that needs a new one to the frozen standby waits this long instead.
   */
  readonly connectTimeoutMs: number | null;
}

export const FAULT_DEFAULTS = Object.freeze({
  freezeAtMs: 1000,
  killAtMs: 2000,
  restoreAtMs: 5000,
  replicaReadTimeoutMs: 1000,
  checkTimeoutMs: 500,
});

/**
 * The longest a read may wait while a replica is frozen: one attempt that hits the deadline, then one retry
 * elsewhere, which on a replica has the same deadline (on the primary it has none, but is not expected to hang).
 */
export const faultReadBoundMs = (spec: Pick<FaultSpec, 'replicaReadTimeoutMs'>): number =>
  2 * spec.replicaReadTimeoutMs;

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One line for tables and reports. */
export function describeFault(spec: FaultSpec): string {
  return (
    `in each mode's run: standby 1 frozen (SIGSTOP) at ${s(spec.freezeAtMs)}, standby 2 killed at ` +
    `${s(spec.killAtMs)}, both restored at ${s(spec.restoreAtMs)}; router replicaReadTimeoutMs ` +
    `${spec.replicaReadTimeoutMs}, checkTimeoutMs ${spec.checkTimeoutMs}, connectTimeoutMs ` +
    `${spec.connectTimeoutMs ?? 'as configured'}`
  );
}
