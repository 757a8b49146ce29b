// Ports for a throwaway cluster, taken from this helper's range (55530-55539) among those free right now.
// Loopback ports here sit inside Linux's ephemeral range (32768-60999), so any process's outgoing connection may
// hold one for a while; PostgreSQL then fails with "could not bind … Address already in use".
import net from 'node:net';

export const THROWAWAY_PORTS = [55530, 55531, 55532, 55533, 55534, 55535, 55536, 55537, 55538, 55539] as const;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first `count` ports of `candidates` that can be bound on 127.0.0.1 now. */
export async function freePorts(count: number, candidates: readonly number[] = THROWAWAY_PORTS): Promise<number[]> {
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
