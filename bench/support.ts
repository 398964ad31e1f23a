import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { seed, type SeedReport } from '../src/modules/seed/seed.service.js';
import { openEmbeddedDatabase } from '../src/server/embedded-postgres.js';
import { migrateDatabase } from '../src/server/database.js';
import { createDb, type Db, type StatementCounter } from '../src/server/prisma.js';

/** What a benchmark runs against: a fresh embedded database with `persons` seeded (Zhangye, 2024) and analysed. */
export interface BenchDatabase {
  dir: string;
  db: Db;
  pool: pg.Pool;
  seeded: SeedReport;
}

/** Runs `work` on a fresh, seeded embedded database and removes it afterwards. */
export async function withSeededDatabase(
  persons: number,
  work: (bench: BenchDatabase) => Promise<void>,
  counter?: StatementCounter,
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-'));
  const database = await openEmbeddedDatabase(dir);
  try {
    await migrateDatabase(database);
    const { db, pool } = createDb(database.url, counter ? { counter } : {});
    try {
      const seeded = await seed(pool, { persons, region: '620700', year: 2024, seed: 1 }, (done, total) => {
        if (done === total || done % 20_000 < 5_006) process.stderr.write(`  seeded ${done}/${total}\r`);
      });
      await pool.query('ANALYZE');
      await work({ dir, db, pool, seeded });
    } finally {
      await db.$disconnect();
      await pool.end();
    }
  } finally {
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
