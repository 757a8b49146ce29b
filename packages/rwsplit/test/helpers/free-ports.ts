// Ports for a throwaway cluster, among a suite's own candidates, that nothing listens on right now: a port left
// held (a lingering process, an outgoing connection) costs a candidate, not the suite.
import net from 'node:net';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first `count` ports of `candidates` that can be bound on 127.0.0.1 now. */
export async function freePorts(count: number, candidates: readonly number[]): Promise<number[]> {
  const free: number[] = [];
  for (const port of candidates) {
    if (free.length === count) break;
    if (await canListen(port)) free.push(port);
  }
  if (free.length < count) {
    throw new Error(
      `Only ${free.length} of ${candidates.join(', ')} are free; need ${count}. What holds them: ss -tanp`,
    );
  }
  return free;
}
