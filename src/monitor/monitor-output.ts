// Where `run` sends each snapshot: a redrawn screen, or one JSON line per interval (for scripts and log shippers).
import type { MonitorSnapshot } from './monitor-snapshot';
import { renderMonitor } from './render-monitor';

/** What the outputs write to: process.stdout, or any writable (a PassThrough in tests). */
export interface TextSink {
  write(chunk: string): unknown;
}

/** Clears a terminal and moves the cursor home, so each screen replaces the last. */
export const CLEAR_SCREEN = '\x1b[2J\x1b[H';

/**
 * Draws each snapshot as the monitor screen. In a terminal (`clear: true`) each screen replaces the last;
 * piped, screens follow one another separated by a blank line.
 */
export function screenOutput(sink: TextSink, options: { clear: boolean }): (snapshot: MonitorSnapshot) => void {
  return (snapshot) => {
    const screen = renderMonitor(snapshot, { footer: 'Ctrl-C to quit' });
    sink.write(options.clear ? `${CLEAR_SCREEN}${screen}\n` : `${screen}\n\n`);
  };
}

/** Writes each snapshot as one line of JSON (JSON Lines), nothing else. */
export function jsonLinesOutput(sink: TextSink): (snapshot: MonitorSnapshot) => void {
  return (snapshot) => {
    sink.write(`${JSON.stringify(snapshot)}\n`);
  };
}
