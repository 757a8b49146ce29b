// The example's routed client: rwsplit with this example's own PrismaClient, and the listener that lets each
// request report which nodes served it (x-rwsplit-nodes).
import { createRwsplit, fanOut, type Rwsplit, type RwsplitOptions } from 'rwsplit';
import { PrismaClient } from '../generated/prisma/client';
import { recordServingNode } from './serving-nodes';

export type BlogRwsplit = Rwsplit<PrismaClient>;

export type BlogRwsplitOptions = Omit<RwsplitOptions<typeof PrismaClient>, 'PrismaClient'>;

/** `createRwsplit` for the blog's schema; a caller's own `onEvent` still receives every event. */
export function createBlogRwsplit(options: BlogRwsplitOptions): Promise<BlogRwsplit> {
  const { onEvent, ...rest } = options;
  return createRwsplit({
    PrismaClient,
    ...rest,
    onEvent: onEvent ? fanOut(recordServingNode, onEvent) : recordServingNode,
  });
}
