// Prisma Studio on one node: `prisma studio --url <node> --port <port> --browser none`, run through execa in a
// process group of its own so that stopping it leaves nothing behind.
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { PROJECT_ROOT, maskUrl, parsePostgresUrl } from '../config';
import type { StudioNode } from './studio-nodes';

/** How long `start` waits for Studio to serve its page, in ms. Default 60 000 (it starts in a few seconds). */
export const STUDIO_START_TIMEOUT_MS = 60_000;
/** How long `stop` waits after SIGTERM before SIGKILL, in ms. */
export const STUDIO_STOP_GRACE_MS = 5_000;

export interface StudioOptions {
  /** Port to serve on. Default `node.defaultPort` (5555 + the node's index). */
  readonly port?: number;
  /** See `STUDIO_START_TIMEOUT_MS`. */
  readonly startTimeoutMs?: number;
}

/** The prisma CLI of this project (no global install needed, works offline). */
const PRISMA_CLI = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prisma');

/** A running Studio. `stop()` ends its whole process group. */
export class StudioServer {
  readonly node: StudioNode;
  readonly port: number;
  readonly #child: ResultPromise<{ detached: true; reject: false; all: true; stdin: 'ignore' }>;
  #output = '';
  #exited = false;

  private constructor(node: StudioNode, port: number) {
    this.node = node;
    this.port = port;
    // Studio (postgres.js) reads PGPASSWORD when the URL has none: the password stays off the command line.
    const url = parsePostgresUrl(node.url, node.name);
    const password = decodeURIComponent(url.password);
    url.password = '';
    this.#child = execa(PRISMA_CLI, ['studio', '--url', url.toString(), '--port', String(port), '--browser', 'none'], {
      cwd: PROJECT_ROOT,
      detached: true,
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { PGPASSWORD: password, BROWSER: 'none' },
    });
    this.#child.all?.on('data', (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-4000);
    });
    void this.#child.then(() => {
      this.#exited = true;
    });
  }

  /** Starts Studio for `node` and resolves once it serves its page over HTTP. */
  static async start(node: StudioNode, options: StudioOptions = {}): Promise<StudioServer> {
    const server = new StudioServer(node, options.port ?? node.defaultPort);
    try {
      await server.#waitUntilServing(options.startTimeoutMs ?? STUDIO_START_TIMEOUT_MS);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Where to open Studio. */
  get url(): string {
    return `http://localhost:${this.port}`;
  }

  /** Process id of Studio (also its process group id). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves when Studio exits on its own or is stopped. */
  get exited(): Promise<void> {
    return this.#child.then(() => undefined);
  }

  /** Ends Studio's process group: SIGTERM, then SIGKILL after `STUDIO_STOP_GRACE_MS`. Idempotent. */
  async stop(): Promise<void> {
    const pid = this.#child.pid;
    if (pid === undefined || this.#exited) return;
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STUDIO_STOP_GRACE_MS);
    await this.#child;
    clearTimeout(timer);
    // Anything Studio left in its group (none is expected) goes with it.
    signalGroup(pid, 'SIGKILL');
  }

  async #waitUntilServing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#exited) {
        throw new Error(
          `Prisma Studio for ${this.node.name} (${maskUrl(this.node.url)}) exited before serving on port ${this.port}:\n` +
            `${this.#output.trim()}\nIf the port is taken, choose another with --port.`,
        );
      }
      // Bounded, since whatever else holds the port may accept and never answer.
      const res = await fetch(`http://127.0.0.1:${this.port}/`, { signal: AbortSignal.timeout(2000) }).catch(
        () => undefined,
      );
      if (res?.ok) {
        await res.arrayBuffer();
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `Prisma Studio for ${this.node.name} did not serve on port ${this.port} within ${timeoutMs / 1000}s:\n` +
        this.#output.trim(),
    );
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
