// Ports for a throwaway cluster, taken from this helper's range (25530-25539) among those free right now.
// Below Linux's ephemeral range (32768-60999): a port inside it may be held by any process's outgoing connection
// while a node is down, and PostgreSQL then fails to restart with "could not bind … Address already in use".
import net from 'node:net';

export const THROWAWAY_PORTS = [25530, 25531, 25532, 25533, 25534, 25535, 25536, 25537, 25538, 25539] as const;

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
