import { defineConfig } from 'prisma/config';

// The hub applies its own migrations (src/server/migrate.ts); this file only
// tells the Prisma CLI where the schema and migrations live, so that a stock
// `prisma migrate deploy` also works where Prisma's engine can be downloaded.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/hub' },
});
