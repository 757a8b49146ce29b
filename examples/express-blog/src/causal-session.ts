// The middleware that puts each request in an rwsplit session scope, started from the causal token the client
// carried over from its previous response (header first, then cookie). Reads in the scope then see that
// earlier write, and any write the request itself makes.
import { CausalTokenError, decodeCausalToken } from 'rwsplit';
import type { Request, RequestHandler } from 'express';
import type { BlogRwsplit } from './blog-rwsplit';
import { BadRequestError } from './http-errors';
import { collectServingNodes } from './serving-nodes';

/** The request and response header that carries the causal token. */
export const TOKEN_HEADER = 'x-rwsplit-token';
/** The cookie that carries it for browsers (set on every response that has a token). */
export const TOKEN_COOKIE = 'rwsplit_token';

/**
 * The causal token a request carries, or undefined. A malformed one is refused rather than ignored: ignoring it
 * would silently drop the read-your-writes guarantee the client asked for.
 */
export function requestToken(req: Request): string | undefined {
  const header = req.get(TOKEN_HEADER);
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const cookie = cookies?.[TOKEN_COOKIE];
  const [token, source] = header ? [header, `header ${TOKEN_HEADER}`] : [cookie, `cookie ${TOKEN_COOKIE}`];
  if (typeof token !== 'string' || token === '') return undefined;
  try {
    decodeCausalToken(token);
  } catch (err) {
    if (err instanceof CausalTokenError) throw new BadRequestError(`Bad ${source}: ${err.message}`);
    throw err;
  }
  return token;
}

/**
 * Runs the rest of the request (route, error handler) inside `rw.session`, and inside a fresh set of serving
 * nodes. `next()` is called within the scope, and AsyncLocalStorage carries the scope into everything it starts;
 * the scope ends when the response is closed (sent, or the client went away). Middleware mounted after it that
 * calls `next()` from a plain event-emitter callback would lose the scope, unless it binds that callback
 * (AsyncResource.bind) as raw-body does.
 */
export function causalSession(rw: BlogRwsplit): RequestHandler {
  return (req, res, next) => {
    const token = requestToken(req);
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    collectServingNodes(() =>
      rw.session(
        async () => {
          next();
          await closed;
        },
        token === undefined ? {} : { token },
      ),
    ).catch(next);
  };
}
