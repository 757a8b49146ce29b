// The errors a handler throws to answer with a client error; the error handler turns each into its status and a
// JSON body `{ error, code }`.

export abstract class HttpError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Missing or malformed input: a field, an id in the path, a causal token, the JSON body itself. */
export class BadRequestError extends HttpError {
  readonly status = 400;
  readonly code = 'BAD_REQUEST';
}

/** The thing named in the path does not exist (as seen by the node that served the read). */
export class NotFoundError extends HttpError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
}

/** The row would break a unique constraint (e.g. a second user with the same email). */
export class ConflictError extends HttpError {
  readonly status = 409;
  readonly code = 'CONFLICT';
}
