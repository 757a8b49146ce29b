// Errors as HTTP answers: the client's mistakes are 4xx with a message saying what to fix; rwsplit's errors
// (no primary, split brain, unreachable replica, …) are 503 with their stable code; anything else is a 500.
import type { ErrorRequestHandler } from 'express';
import { RwsplitError } from 'rwsplit';
import { HttpError } from './http-errors';
import type { Reply } from './reply';

interface ErrorAnswer {
  readonly status: number;
  readonly body: { readonly error: string; readonly code: string };
}

/** body-parser's errors (malformed JSON, too large): `status` 4xx and `expose` set. */
function isClientHttpError(err: unknown): err is { status: number; message: string } {
  if (typeof err !== 'object' || err === null) return false;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

/** The status and body for `err`. */
export function answerFor(err: unknown): ErrorAnswer {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message, code: err.code } };
  if (err instanceof RwsplitError) {
    // A causal token is the client's input; everything else rwsplit throws is about the database's state.
    const status = err.code === 'RWSPLIT_CAUSAL_TOKEN' ? 400 : 503;
    return { status, body: { error: err.message, code: err.code } };
  }
  if (isClientHttpError(err)) {
    return { status: err.status, body: { error: `Bad request body: ${err.message}`, code: 'BAD_REQUEST' } };
  }
  return { status: 500, body: { error: 'Internal server error', code: 'INTERNAL' } };
}

/** The last middleware: answers every error thrown by the routes (Express 5 forwards rejected promises here). */
export function errorHandler(reply: Reply): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = answerFor(err);
    if (status === 500) console.error(err);
    reply(res, status, body).catch(next);
  };
}
