// A real TCP proxy in front of a real PostgreSQL server, for network faults the library must survive: a partition
// (traffic stops, sockets stay open), a reset (every connection dropped), a refusal (nothing listens). The server
// behind it is never touched: this is the network failing, not a stand-in for the database.
import net from 'node:net';

export class FaultProxy {
  readonly #server: net.Server;
  readonly #targetPort: number;
  readonly #pairs = new Set<[net.Socket, net.Socket]>();
  /** Chunks held back while frozen, with the socket each is for. */
  #held: [net.Socket, Buffer, boolean][] = [];
  #port = 0;
  #frozen = false;
  /** Bytes the server sent back to clients since the proxy started. */
  bytesToClients = 0;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  /** Starts a proxy on a free loopback port in front of `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetPort);
    await proxy.#listen(0);
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.#port);
    return u.toString();
  }

  /** A partition: no byte passes either way (it is held back), new connections hang; open sockets stay open. */
  freeze(): void {
    this.#frozen = true;
  }

  /** Traffic flows again, the held-back bytes first. */
  thaw(): void {
    this.#frozen = false;
    const held = this.#held;
    this.#held = [];
    for (const [to, chunk, toClient] of held) this.#deliver(to, chunk, toClient);
  }

  /** Drops every open connection (both sides see a reset); new ones are accepted as before. */
  reset(): void {
    for (const [a, b] of this.#pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.#pairs.clear();
    this.#held = [];
  }

  /** Stops listening (new connections are refused) and drops every open one. */
  async refuse(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port after `refuse()`. */
  async accept(): Promise<void> {
    await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    this.reset();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  #accept(client: net.Socket): void {
    const server = net.connect(this.#targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, server];
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => this.#forward(server, chunk, false));
    server.on('data', (chunk: Buffer) => this.#forward(client, chunk, true));
  }

  #forward(to: net.Socket, chunk: Buffer, toClient: boolean): void {
    if (this.#frozen) this.#held.push([to, chunk, toClient]);
    else this.#deliver(to, chunk, toClient);
  }

  #deliver(to: net.Socket, chunk: Buffer, toClient: boolean): void {
    if (to.destroyed) return;
    if (toClient) this.bytesToClients += chunk.length;
    to.write(chunk);
  }
}
