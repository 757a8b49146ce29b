// Generates Prisma clients offline (see scripts/generate-client.ts): the demo's, the library's test fixture's,
// and the example applications'. Each schema names its own output folder (git-ignored).
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, loadConfig } from '../config';
import { schemaEngineAvailable } from './migrator';

/** Every schema whose client `npm install` generates, relative to the project folder. */
export const SCHEMAS: readonly string[] = Object.freeze([
  'prisma/schema.prisma',
  'packages/rwsplit/test/fixture/schema.prisma',
  'examples/express-blog/prisma/schema.prisma',
]);

/** Generates the client of one schema (default the demo's). */
export async function generatePrismaClient(schema = SCHEMAS[0]!): Promise<void> {
  const { schemaEngine } = loadConfig();
  const engine = schemaEngineAvailable(schemaEngine) && schemaEngine ? schemaEngine : process.execPath;
  const result = await execa('npx', ['prisma', 'generate', '--schema', path.resolve(PROJECT_ROOT, schema)], {
    cwd: PROJECT_ROOT,
    env: { PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) {
    throw new Error(`prisma generate failed for ${schema} (exit ${result.exitCode}). Its output:\n${result.all ?? ''}`);
  }
  console.log(result.all?.split('\n').find((l) => l.includes('Generated')) ?? `Prisma client generated (${schema}).`);
}

/** Generates every schema in SCHEMAS that exists. */
export async function generateAllClients(exists: (p: string) => boolean): Promise<void> {
  for (const schema of SCHEMAS) if (exists(path.resolve(PROJECT_ROOT, schema))) await generatePrismaClient(schema);
}
