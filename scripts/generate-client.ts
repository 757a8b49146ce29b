// `npm install` runs this (postinstall): generates the Prisma clients into their git-ignored folders, offline.
// `prisma generate` needs no schema engine, but the CLI insists on finding one; pointing it at an existing file
// stops it from trying to download it (a download that fails offline).
import { existsSync } from 'node:fs';
import { generateAllClients } from '../src/db/generate-client';

generateAllClients(existsSync).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
