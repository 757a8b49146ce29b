// The blog's HTTP API. Every handler runs inside the request's rwsplit session (causal-session.ts): reads go to
// a replica, unless the request carries a token (or has written) that the replicas have not replayed yet.
import { Router } from 'express';
import type { BlogRwsplit } from './blog-rwsplit';
import { BadRequestError, ConflictError, NotFoundError } from './http-errors';
import { newPostSchema, newUserSchema, parseId, parseInput } from './input';
import { FOREIGN_KEY_VIOLATION, translatePrismaError, UNIQUE_VIOLATION } from './prisma-error';
import type { Reply } from './reply';

/** How many posts GET /posts returns (the newest). */
export const POSTS_PAGE = 50;

/** The author as shown with a post (never more than the public fields). */
const author = { select: { id: true, name: true, email: true } } as const;

export function blogRoutes(rw: BlogRwsplit, reply: Reply): Router {
  const db = rw.client;
  const router = Router();

  router.post('/users', async (req, res) => {
    const data = parseInput(newUserSchema, req.body);
    const user = await translatePrismaError(
      () => db.user.create({ data }),
      UNIQUE_VIOLATION,
      () => new ConflictError(`A user with email ${data.email} already exists.`),
    );
    await reply(res, 201, user);
  });

  router.post('/posts', async (req, res) => {
    const data = parseInput(newPostSchema, req.body);
    const post = await translatePrismaError(
      () => db.post.create({ data, include: { author } }),
      FOREIGN_KEY_VIOLATION,
      () => new BadRequestError(`authorId ${data.authorId} is not a user.`),
    );
    await reply(res, 201, post);
  });

  router.get('/posts', async (_req, res) => {
    const posts = await db.post.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: POSTS_PAGE,
      include: { author },
    });
    await reply(res, 200, posts);
  });

  router.get('/posts/:id', async (req, res) => {
    const id = parseId(req.params.id);
    const post = await db.post.findUnique({ where: { id }, include: { author } });
    if (!post) throw new NotFoundError(`Post ${id} not found.`);
    await reply(res, 200, post);
  });

  router.get('/users/:id/posts', async (req, res) => {
    const id = parseId(req.params.id);
    const user = await db.user.findUnique({
      where: { id },
      include: { posts: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } },
    });
    if (!user) throw new NotFoundError(`User ${id} not found.`);
    await reply(res, 200, user);
  });

  return router;
}
