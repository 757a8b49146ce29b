// A progress bar on stderr (cli-progress) for the bench scripts; off when stderr is not a terminal or with --quiet.
import cliProgress from 'cli-progress';
import type { ProgressListener } from './progress-tracker';

export interface ProgressBar {
  /** Feed it the run's progress events. */
  readonly listener: ProgressListener;
  /** Prints a line above the bar (or plainly when the bar is off). */
  log(line: string): void;
  /** Removes the bar; call before printing the summary. */
  stop(): void;
}

export interface ProgressBarOptions {
  /** Draw the bar. Default: when the stream is a terminal. */
  readonly enabled?: boolean;
  /** Default process.stderr. */
  readonly stream?: NodeJS.WriteStream;
  /** Print log lines at all (false with --quiet). Default true. */
  readonly logLines?: boolean;
}

/** A bar showing the phase, percent, units done and ETA; or, when disabled, only the log lines on the stream. */
export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const logLines = options.logLines ?? true;
  const enabled = options.enabled ?? Boolean(stream.isTTY);
  if (!enabled) {
    return {
      listener: () => undefined,
      log: (line) => {
        if (logLines) stream.write(`${line}\n`);
      },
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {phase} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  return {
    listener: (e) => {
      if (!bar) bar = multi.create(e.total, e.done, { phase: e.phase });
      bar.setTotal(e.total);
      bar.update(e.done, { phase: e.phase });
    },
    log: (line) => {
      if (logLines) multi.log(`${line}\n`);
    },
    stop: () => multi.stop(),
  };
}
