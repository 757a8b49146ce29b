// Prisma's known request errors by code, for the constraint violations a route turns into a client error.
import { Prisma } from '../generated/prisma/client';

/** Prisma's codes for the violations the routes answer: a duplicate unique value, a missing referenced row. */
export const UNIQUE_VIOLATION = 'P2002';
export const FOREIGN_KEY_VIOLATION = 'P2003';

/** Runs `query`; a Prisma error with `code` is replaced by `replacement()`, anything else passes through. */
export async function translatePrismaError<T>(
  query: () => Promise<T>,
  code: string,
  replacement: () => Error,
): Promise<T> {
  try {
    return await query();
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === code) throw replacement();
    throw err;
  }
}
