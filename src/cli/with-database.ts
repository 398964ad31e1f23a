import type pg from 'pg';
import type { HubConfig } from '../server/config.js';
import { migrateDatabase, openDatabase } from '../server/database.js';
import { createDb, type Db } from '../server/prisma.js';
import { log } from '../shared/log.js';
import type { AuditKeyRing } from '../modules/audit/audit.keys.js';
import { headSeq, loadAuditKeys } from '../server/audit-keys.js';

/** What a command gets: the migrated database, through Prisma and through a plain pool. */
export interface CommandDatabase {
  db: Db;
  pool: pg.Pool;
  /** The migrations this run applied. */
  applied: string[];
  /** The audit chain's keys (loaded, or created, on first call). */
  auditKeys(): Promise<AuditKeyRing>;
}

/**
 * The life of a command's database, in one place: open it (attaching to a
 * running embedded server or starting one), apply pending migrations, run
 * `work`, and release the connections and the server whatever happens.
 */
export async function withDatabase<T>(config: HubConfig, poolSize: number, work: (database: CommandDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    const applied = await migrateDatabase(database);
    log.info(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
    const { db, pool } = createDb(database.url, { poolSize });
    try {
      let keys: Promise<AuditKeyRing> | undefined;
      const auditKeys = () => (keys ??= loadAuditKeys(config, () => headSeq(pool)));
      return await work({ db, pool, applied, auditKeys });
    } finally {
      await db.$disconnect();
      await pool.end();
    }
  } finally {
    await database.stop();
  }
}
