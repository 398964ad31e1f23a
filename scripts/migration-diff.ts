/**
 * Writes the next Prisma migration without a database or a downloaded engine.
 *
 * The SQL is the diff, computed by the wasm schema engine
 * (`@prisma/schema-engine-wasm`), from the last migrated datamodel
 * (`<dir>/migrations/schema.snapshot.prisma`, or nothing when it is missing) to
 * `<dir>/schema.prisma`. It goes to `<dir>/migrations/<UTC YYYYMMDDHHMMSS>_<name>/migration.sql`,
 * Prisma's layout, and the snapshot is updated. An empty diff writes nothing.
 *
 * ```sh
 * node --experimental-wasm-modules --import tsx scripts/migration-diff.ts <name>
 * node --experimental-wasm-modules --import tsx scripts/migration-diff.ts --check
 * ```
 *
 * `--check` writes nothing and exits 1 when the schema has changes no migration
 * covers yet. `--dir <path>` replaces the `prisma` directory (default: this repo's).
 * Progress goes to stderr.
 *
 * The engine connects to its driver adapter as soon as it starts and asks the
 * server for its version, but a diff between two datamodels runs no query. So
 * the adapter here answers that one probe and refuses anything else: nothing
 * can silently depend on a real database.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SchemaEngine, type DiffTarget } from '@prisma/schema-engine-wasm';
import { log } from '../src/shared/log.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { check: { type: 'boolean', default: false }, dir: { type: 'string' } },
});
const name = positionals[0];
if (values.check ? positionals.length > 0 : positionals.length !== 1 || !/^\w+$/.test(name ?? '')) {
  log.warn('usage: migration-diff.ts <name, letters digits _> | --check  [--dir <prisma dir>]');
  process.exit(2);
}

const prismaDir = values.dir ?? fileURLToPath(new URL('../prisma/', import.meta.url));
const migrationsDir = path.join(prismaDir, 'migrations');
const snapshotPath = path.join(migrationsDir, 'schema.snapshot.prisma');
const schema = await readFile(path.join(prismaDir, 'schema.prisma'), 'utf8');
const snapshot = await readFile(snapshotPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT') return undefined;
  throw error;
});

// The engine's adapter calls return Results rather than throw (driver-adapter-utils' binder).
const ok = <T>(value: T) => ({ ok: true, value });
const offlineAdapter = {
  provider: 'postgres',
  adapterName: 'offline',
  async queryRaw({ sql }: { sql: string }) {
    if (!sql.includes('server_version_num')) throw new Error(`no database to run: ${sql}`);
    // "Does the schema exist, what is the server version": the answers do not change the diff.
    return ok({ columnNames: ['exists', 'version', 'numeric_version'], columnTypes: [5, 7, 0], rows: [[true, 'PostgreSQL 18', 180000]] });
  },
};
const datamodel = (content: string): DiffTarget => ({ tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content }] });

log.info(`diffing ${path.join(prismaDir, 'schema.prisma')} against ${snapshot === undefined ? 'an empty database' : snapshotPath}`);
const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => {}, {
  provider: 'postgres',
  adapterName: 'offline',
  connect: async () => ok(offlineAdapter),
});
const { exitCode, stdout: sql } = await engine.diff({
  from: snapshot === undefined ? { tag: 'empty' } : datamodel(snapshot),
  to: datamodel(schema),
  script: true,
  exitCode: true, // 2 when the diff is not empty
  filters: { externalTables: [], externalEnums: [] },
});

if (exitCode !== 2) {
  log.info('no changes');
} else if (values.check) {
  log.warn(`schema.prisma has changes that no migration covers; run scripts/migration-diff.ts <name>:\n${sql}`);
  process.exit(1);
} else {
  const dir = path.join(migrationsDir, `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`);
  await mkdir(migrationsDir, { recursive: true });
  await mkdir(dir);
  await writeFile(path.join(dir, 'migration.sql'), sql ?? '');
  await writeFile(snapshotPath, schema);
  log.info(`wrote ${path.join(dir, 'migration.sql')} and updated ${snapshotPath}`);
}
