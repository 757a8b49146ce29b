// `npm install` runs this (postinstall): generates the Prisma client into src/generated (git-ignored), offline.
// `prisma generate` needs no schema engine, but the CLI insists on finding one; pointing it at an existing file
// stops it from trying to download it (a download that fails offline).
import { generatePrismaClient } from '../src/db/generate-client';

generatePrismaClient().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
