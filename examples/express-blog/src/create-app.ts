// The Express application: JSON and cookie parsing, one rwsplit session per request, the blog's routes, and
// errors as JSON. It takes a routed client made by createBlogRwsplit (whose event listener feeds x-rwsplit-nodes).
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { BlogRwsplit } from './blog-rwsplit';
import { blogRoutes } from './blog-routes';
import { type BadTokenPolicy, causalSession } from './causal-session';
import { errorHandler } from './error-handler';
import { NotFoundError } from './http-errors';
import { createReply } from './reply';

export function createBlogApp(rw: BlogRwsplit, options: { onBadToken?: BadTokenPolicy } = {}): Express {
  const reply = createReply(rw);
  const app = express();
  app.disable('x-powered-by');
  // cookieParser must come before the session, which reads the token cookie. The JSON parser could come either
  // side: raw-body, under express.json, binds its callback to the caller's async context, so the scope survives.
  app.use(express.json({ limit: '100kb' }));
  app.use(cookieParser());
  app.use(causalSession(rw, options.onBadToken));
  app.use(blogRoutes(rw, reply));
  app.use((req) => {
    throw new NotFoundError(`No route ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(reply));
  return app;
}
