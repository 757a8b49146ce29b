// The middleware that puts each request in an rwsplit session scope, started from the causal token the client
// carried over from its previous response (header first, then cookie). Reads in the scope then see that
// earlier write, and any write the request itself makes.
import { CausalTokenError } from 'rwsplit';
import type { Request, RequestHandler } from 'express';
import type { BlogRwsplit } from './blog-rwsplit';
import { BadRequestError } from './http-errors';
import { collectServingNodes } from './serving-nodes';

/** The request and response header that carries the causal token. */
export const TOKEN_HEADER = 'x-rwsplit-token';
/** The cookie that carries it for browsers (set on every response that has a token). */
export const TOKEN_COOKIE = 'rwsplit_token';

/** What to do with a causal token rwsplit refuses: answer 400 naming the problem, or serve as if none was sent. */
export type BadTokenPolicy = 'reject' | 'ignore';

/** The causal token a request carries (header first, then cookie) and where it came from, or undefined. */
export function requestToken(req: Request): { token: string; source: string } | undefined {
  const header = req.get(TOKEN_HEADER);
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const cookie = cookies?.[TOKEN_COOKIE];
  const [token, source] = header ? [header, `header ${TOKEN_HEADER}`] : [cookie, `cookie ${TOKEN_COOKIE}`];
  return typeof token === 'string' && token !== '' ? { token, source } : undefined;
}

/**
 * Runs the rest of the request (route, error handler) inside `rw.session`, and inside a fresh set of serving
 * nodes. `next()` is called within the scope, and AsyncLocalStorage carries the scope into everything it starts;
 * the scope ends when the response is closed (sent, or the client went away). Middleware mounted after it that
 * calls `next()` from a plain event-emitter callback would lose the scope, unless it binds that callback
 * (AsyncResource.bind) as raw-body does.
 *
 * rwsplit checks the token as the session opens (signature with tokenSecret, and no claim beyond the primary's
 * position). A refused token is a 400 naming the problem with `reject` (the default: ignoring it would silently drop
 * the read-your-writes guarantee the client asked for), or with `ignore` the request runs as if none was sent and
 * the bad cookie is cleared.
 */
export function causalSession(rw: BlogRwsplit, onBadToken: BadTokenPolicy = 'reject'): RequestHandler {
  return (req, res, next) => {
    const carried = requestToken(req);
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    const run = (token: string | undefined) =>
      collectServingNodes(() =>
        rw.session(
          async () => {
            next();
            await closed;
          },
          token === undefined ? {} : { token },
        ),
      );
    run(carried?.token).catch((err: unknown) => {
      if (!(err instanceof CausalTokenError) || carried === undefined) return next(err);
      if (onBadToken === 'reject') return next(new BadRequestError(`Bad ${carried.source}: ${err.message}`));
      res.clearCookie(TOKEN_COOKIE);
      run(undefined).catch(next);
    });
  };
}
