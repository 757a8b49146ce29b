// Overall progress of a run made of phases with known sizes, reported as one done/total pair with the phase's
// name: what a progress bar needs, without the bench knowing about terminals.

export interface ProgressEvent {
  /** The phase running now, e.g. `rounds` or `pgbench read`. */
  readonly phase: string;
  /** Units done over the whole run (never above total). */
  readonly done: number;
  readonly total: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** A phase and its size in units: some measure of work, e.g. its expected milliseconds (fractions allowed). */
export interface PhasePlan {
  readonly name: string;
  readonly units: number;
}

export class ProgressTracker {
  readonly #plan: ReadonlyMap<string, number>;
  readonly #total: number;
  readonly #listener: ProgressListener;
  #phase = '';
  #doneBefore = 0;
  #inPhase = 0;

  constructor(plan: readonly PhasePlan[], listener: ProgressListener = () => undefined) {
    this.#plan = new Map(plan.map((p) => [p.name, p.units]));
    this.#total = plan.reduce((sum, p) => sum + p.units, 0);
    this.#listener = listener;
  }

  get total(): number {
    return this.#total;
  }

  /** Starts `name` (finishing the phase before it, whatever it had counted). */
  phase(name: string): void {
    if (!this.#plan.has(name)) throw new Error(`Progress phase ${name} is not in the plan.`);
    if (this.#phase) this.#doneBefore += this.#plan.get(this.#phase)!;
    this.#phase = name;
    this.#inPhase = 0;
    this.#emit();
  }

  /** Counts `units` more in the current phase (capped at the phase's size). */
  advance(units: number): void {
    this.#inPhase = Math.min(this.#inPhase + units, this.#plan.get(this.#phase) ?? 0);
    this.#emit();
  }

  /** Sets the current phase's count (for timed phases). */
  set(units: number): void {
    this.#inPhase = Math.min(Math.max(units, 0), this.#plan.get(this.#phase) ?? 0);
    this.#emit();
  }

  /** Marks the whole run done. */
  finish(): void {
    this.#doneBefore = this.#total;
    this.#inPhase = 0;
    this.#phase = 'done';
    this.#listener({ phase: 'done', done: this.#total, total: this.#total });
  }

  #emit(): void {
    this.#listener({ phase: this.#phase, done: this.#doneBefore + this.#inPhase, total: this.#total });
  }
}
