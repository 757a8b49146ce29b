// The consumer's Prisma CLI configuration (Prisma 7 requires one). Only `prisma generate` runs here, which needs
// no database, so no datasource URL is given.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
});
