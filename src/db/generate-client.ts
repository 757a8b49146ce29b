// Generates the Prisma client offline (see scripts/generate-client.ts).
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, loadConfig } from '../config';
import { schemaEngineAvailable } from './migrator';

export async function generatePrismaClient(): Promise<void> {
  const { schemaEngine } = loadConfig();
  const engine = schemaEngineAvailable(schemaEngine) && schemaEngine ? schemaEngine : process.execPath;
  const result = await execa(
    'npx',
    ['prisma', 'generate', '--schema', path.join(PROJECT_ROOT, 'prisma', 'schema.prisma')],
    {
      cwd: PROJECT_ROOT,
      env: { PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      reject: false,
      all: true,
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(`prisma generate failed (exit ${result.exitCode}). Its output:\n${result.all ?? ''}`);
  }
  console.log(result.all?.split('\n').find((l) => l.includes('Generated')) ?? 'Prisma client generated.');
}
