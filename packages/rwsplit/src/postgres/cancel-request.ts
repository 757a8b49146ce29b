// PostgreSQL's cancel request: a 16-byte message on a new connection that asks the server to stop the statement a
// backend is running. A client that merely gives up leaves the statement running on the server (and behind
// PgBouncer the server connection busy); a cancel request stops it. PgBouncer forwards it to the right server.
import net from 'node:net';

/** The cancel request code from the protocol (1234 << 16 | 5678). */
const CANCEL_REQUEST_CODE = 80877102;

/** What a cancel request needs: where the backend's server listens and the backend's key (from BackendKeyData). */
export interface BackendKey {
  /** Host name, IP address, or a Unix socket folder (starting with `/`). */
  readonly host: string;
  readonly port: number;
  readonly processID: number;
  readonly secretKey: number;
}

/**
 * Sends a cancel request for `key`'s running statement. Resolves once the server has taken it (it closes the
 * connection) or after `timeoutMs`, whichever comes first; never rejects (a cancel is best effort: the caller
 * learns whether it worked from the statement's own answer).
 */
export function sendCancelRequest(key: BackendKey, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = key.host.startsWith('/')
      ? net.connect(`${key.host}/.s.PGSQL.${key.port}`)
      : net.connect(key.port, key.host);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    socket.once('error', done).once('close', done);
    socket.once('connect', () => {
      const message = Buffer.alloc(16);
      message.writeInt32BE(16, 0);
      message.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      message.writeInt32BE(key.processID, 8);
      message.writeInt32BE(key.secretKey, 12);
      // Written, not ended: the server closes the connection once it has taken the request. Closing first makes
      // PgBouncer 1.18 exit ("bad client state: 0", pgbouncer#801, fixed in 1.19) when it is still forwarding it.
      socket.write(message);
    });
  });
}
