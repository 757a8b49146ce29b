// Prisma CLI configuration. The datasource URL comes from rwsplit's own config module, so the CLI
// (migrate, studio) targets the same primary as the application: DATABASE_URL, or the local cluster.
import { defineConfig } from 'prisma/config';
import { loadConfig } from './src/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: loadConfig().primaryUrl },
});
