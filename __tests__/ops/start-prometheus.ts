// A real Prometheus for a test: its own loopback port and temp storage, always bounded and stopped at the end.
// Other suites run on this machine at the same time, so nothing here uses a fixed port or shared folder.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';

/** One sample of an instant vector: its labels and value (a string, as Prometheus sends it, e.g. "NaN"). */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** One series of a range vector: its labels and every raw sample with its timestamp in seconds. */
export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly values: [number, string][];
}

interface ApiAnswer<T> {
  readonly status: 'success' | 'error';
  readonly data?: T;
  readonly errorType?: string;
  readonly error?: string;
}

export interface RunningPrometheus {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** GET `/api/v1/<path>` and the whole JSON answer, error or not (an HTTP 400 for a bad query has a JSON body). */
  api<T>(apiPath: string, params?: Record<string, string>): Promise<ApiAnswer<T>>;
  /** An instant query; throws, with Prometheus's error, unless it succeeds with a vector. */
  query(expr: string): Promise<PromSample[]>;
  /** A range-vector selector (`metric[1m]`) evaluated now: the raw scraped samples. */
  rawSamples(selector: string): Promise<PromSeries[]>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now (Prometheus cannot take port 0 and report the one it got). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `prometheus` with `configText` written to `dir`, storage in `dir/data`, on a free loopback port, and
 * waits until /-/ready answers (at most `readyTimeoutMs`). The process is killed after `lifetimeMs` in any case.
 */
export async function startPrometheus(options: {
  readonly dir: string;
  readonly configText: string;
  readonly readyTimeoutMs?: number;
  readonly lifetimeMs?: number;
}): Promise<RunningPrometheus> {
  const configFile = path.join(options.dir, 'prometheus.yml');
  await fs.writeFile(configFile, options.configText);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = execa(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(options.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    {
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: options.lifetimeMs ?? 120_000,
      forceKillAfterDelay: 5_000,
    },
  );
  let exited = false;
  const done = child.then((r) => {
    exited = true;
    return r;
  });

  const api = async <T>(apiPath: string, params: Record<string, string> = {}): Promise<ApiAnswer<T>> => {
    const res = await fetch(`${url}/api/v1/${apiPath}?${new URLSearchParams(params)}`, {
      signal: AbortSignal.timeout(10_000),
    });
    return (await res.json()) as ApiAnswer<T>;
  };
  const instant = async <T>(expr: string, resultType: 'vector' | 'matrix'): Promise<T> => {
    const answer = await api<{ resultType: string; result: T }>('query', { query: expr });
    if (answer.status !== 'success' || !answer.data) {
      throw new Error(`Query failed: ${expr}\n${answer.errorType}: ${answer.error}`);
    }
    if (answer.data.resultType !== resultType) {
      throw new Error(`Query ${expr} gave a ${answer.data.resultType}, expected a ${resultType}.`);
    }
    return answer.data.result;
  };
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await done;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exited) {
      const r = await done;
      throw new Error(`prometheus exited (${r.exitCode ?? r.signal}) before it was ready:\n${r.all}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `prometheus on ${url} was not ready within ${options.readyTimeoutMs ?? 20_000} ms:\n${(await done).all}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    api,
    query: (expr) => instant<PromSample[]>(expr, 'vector'),
    rawSamples: (selector) => instant<PromSeries[]>(selector, 'matrix'),
    stop,
  };
}
