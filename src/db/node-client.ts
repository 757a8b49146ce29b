// One PrismaClient of the application's schema per node, made by the library's createNodeClient (the bare
// extension path, the benches and the tests use these directly).
import { createNodeClient as createFor, type NodeClientOptions } from 'rwsplit';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient };

/** A PrismaClient of the demo's schema bound to one node, over its own pg Pool. */
export function createNodeClient(url: string, options: NodeClientOptions = {}): PrismaClient {
  return createFor<PrismaClient>(PrismaClient, url, options);
}
