// Every response goes through here, so the causal token and the serving nodes are on it before it is sent:
// once res.json() has run, the headers are gone.
import type { CookieOptions, Response } from 'express';
import type { BlogRwsplit } from './blog-rwsplit';
import { TOKEN_COOKIE, TOKEN_HEADER } from './causal-session';
import { servingNodes } from './serving-nodes';

/** Lists the nodes that served the request's queries, e.g. `127.0.0.1:15432 primary, 127.0.0.1:15433 replica`. */
export const NODES_HEADER = 'x-rwsplit-nodes';

/**
 * The token only matters until the replicas have replayed the write; a session cookie is enough. It is httpOnly:
 * it is the server's business, not the page's script.
 */
const COOKIE_OPTIONS: CookieOptions = { httpOnly: true, sameSite: 'lax', path: '/' };

export type Reply = (res: Response, status: number, body: unknown) => Promise<void>;

/**
 * Sends `body` as JSON with the scope's causal token (header and cookie) and the serving nodes.
 * Taking the token may ask the primary for its WAL position (after a write). If that fails after a success, the
 * request fails (the client would lose read-your-writes without knowing); after an error, the error is sent
 * without a token.
 */
export function createReply(rw: BlogRwsplit): Reply {
  return async (res, status, body) => {
    const token = status < 400 ? await rw.token() : await rw.token().catch(() => null);
    if (token !== null) {
      res.set(TOKEN_HEADER, token);
      res.cookie(TOKEN_COOKIE, token, COOKIE_OPTIONS);
    }
    const nodes = servingNodes();
    if (nodes.length > 0) res.set(NODES_HEADER, nodes.join(', '));
    res.status(status).json(body);
  };
}
