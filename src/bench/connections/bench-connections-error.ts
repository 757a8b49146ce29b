// The connection bench's own failure: a configuration that did not really run (a child that never reached the
// primary or a replica, failed reads, no server connection seen), or a child process that died. It says what
// happened and what to do next, and keeps what caused it.

export class BenchConnectionsError extends Error {
  override readonly name = 'BenchConnectionsError';
}
