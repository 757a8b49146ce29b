// The progress bar on stderr (cli-progress), with log lines printed above it; off when stderr is not a terminal
// or --quiet. When off, log lines still go to the given fallback (or nowhere).
import cliProgress from 'cli-progress';

export interface Progress {
  /** Pairs done of `total`, and what runs now (e.g. `pause/eventual`). */
  update(done: number, total: number, label: string): void;
  /** A line printed above the bar (or to the fallback when the bar is off). */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Draw the bar. Default: stderr is a TTY. */
  readonly enabled?: boolean;
  /** Where log lines go when the bar is off. Default: nowhere. */
  readonly fallbackLog?: (line: string) => void;
  readonly stream?: NodeJS.WriteStream;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? Boolean(stream.isTTY);
  if (!enabled) {
    return { update: () => undefined, log: (line) => options.fallbackLog?.(line), stop: () => undefined };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: 'bench:consistency [{bar}] {percentage}% | {value}/{total} pairs | {label} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 500,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  return {
    update: (done, total, label) => {
      bar ??= multi.create(total, 0, { label });
      bar.setTotal(total);
      bar.update(done, { label });
    },
    log: (line) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}
