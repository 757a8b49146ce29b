// Reading pgbench's answers: its summary on stdout, and its per-transaction log files (`--log`).

export interface PgbenchSummary {
  /** `number of transactions actually processed`. */
  readonly transactions: number;
  /** `number of failed transactions` (PostgreSQL 15+; 0 when absent). */
  readonly failed: number;
  /** `latency average`, ms. */
  readonly latencyAvgMs: number;
  /** `tps = … (without initial connection time)`. */
  readonly tps: number;
}

function numberAfter(text: string, pattern: RegExp, what: string): number {
  const m = pattern.exec(text);
  if (!m?.[1]) throw new Error(`pgbench printed no ${what}. Its output was:\n${text.trim()}`);
  return Number(m[1]);
}

/** Parses pgbench's summary. Throws, quoting the output, when a figure is missing. */
export function parsePgbenchSummary(stdout: string): PgbenchSummary {
  const failed = /number of failed transactions:\s*(\d+)/.exec(stdout)?.[1];
  return {
    transactions: numberAfter(stdout, /number of transactions actually processed:\s*(\d+)/, 'transaction count'),
    failed: failed === undefined ? 0 : Number(failed),
    latencyAvgMs: numberAfter(stdout, /latency average\s*=\s*([\d.]+)\s*ms/, 'latency average'),
    tps: numberAfter(stdout, /tps\s*=\s*([\d.]+)/, 'tps'),
  };
}

/**
 * Transaction latencies in ms from pgbench log lines: `client_id transaction_no time_us script_no epoch epoch_us`
 * (a failed transaction logs `failed` or `skipped` as its time and is left out).
 */
export function parsePgbenchLog(text: string): number[] {
  const latencies: number[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) continue;
    const micros = Number(fields[2]);
    if (Number.isFinite(micros)) latencies.push(micros / 1000);
  }
  return latencies;
}
