// What a failed call threw, as the HA workload counts it: rwsplit's typed errors by code (the "may have run" write
// apart), anything else as a raw error, which the library must never let through on a leader change.
import { RwsplitError, WriteOutcomeUnknownError } from 'rwsplit';

export interface FailureKind {
  /** `outcome_unknown`: the write may have run; `typed`: any other RwsplitError; `raw`: not an RwsplitError. */
  readonly kind: 'outcome_unknown' | 'typed' | 'raw';
  /** The RwsplitError's code, or the raw error's class name. */
  readonly code: string;
  /** The first line of the message (messages name nodes, never passwords). */
  readonly message: string;
}

export function classifyError(err: unknown): FailureKind {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  if (err instanceof WriteOutcomeUnknownError) return { kind: 'outcome_unknown', code: err.code, message };
  if (err instanceof RwsplitError) return { kind: 'typed', code: err.code, message };
  const name = err instanceof Error ? err.constructor.name : typeof err;
  return { kind: 'raw', code: name, message };
}
