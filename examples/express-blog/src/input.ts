// Validation of what a request carries: ids in the path and the JSON bodies. Anything wrong is a BadRequestError
// whose message names the field, so the client sees what to fix.
import { z } from 'zod';
import { BadRequestError } from './http-errors';

/** The largest value of PostgreSQL's `integer` (the tables' SERIAL ids). */
const INT4_MAX = 2_147_483_647;

/** A positive int4 id, as a JSON number or a string of digits (a path segment). */
const idSchema = (name: string) => {
  const message = `${name} must be a whole number from 1 to ${INT4_MAX}`;
  return z
    .union([z.int(), z.string().regex(/^\d+$/).transform(Number)], { error: message })
    .pipe(z.int().min(1, message).max(INT4_MAX, message));
};

const requiredText = (name: string) =>
  z
    .string({ error: `${name} is required (a string)` })
    .trim()
    .min(1, `${name} must not be empty`);

export const newUserSchema = z.object(
  {
    email: z.email({ error: 'email is required (an email address)' }),
    name: requiredText('name'),
  },
  { error: 'The body must be a JSON object (Content-Type: application/json)' },
);

export const newPostSchema = z.object(
  {
    authorId: idSchema('authorId'),
    title: requiredText('title'),
    body: z.string({ error: 'body is required (a string)' }),
  },
  { error: 'The body must be a JSON object (Content-Type: application/json)' },
);

/** Parses `value` with `schema`, or throws a BadRequestError listing every problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadRequestError(parsed.error.issues.map((issue) => issue.message).join('; '));
}

/** An id from the path (`/posts/:id`). */
export function parseId(value: string | undefined, name = 'id'): number {
  return parseInput(idSchema(name), value);
}
