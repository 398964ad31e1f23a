import type pg from 'pg';
import type { AuditDraft } from '../../../src/modules/audit/audit.repository.js';
import { AuditRepository } from '../../../src/modules/audit/audit.repository.js';
import { AuditKeyRing } from '../../../src/modules/audit/audit.keys.js';
import { createDb, type Db } from '../../../src/server/prisma.js';
import { createTestDatabase } from '../../support/database.js';

/** A test database (the append-only trigger comes with the migrations) and an audit repository on it. */
export interface AuditDatabase {
  url: string;
  db: Db;
  pool: pg.Pool;
  repository: AuditRepository;
  /** The chain's keys (one random key). */
  keys: AuditKeyRing;
  /** Runs `sql` with the append-only trigger disabled, as someone tampering with the table would. */
  tamper(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh database for one test file. */
export async function openAuditDatabase(poolSize = 10): Promise<AuditDatabase> {
  const database = await createTestDatabase();
  const { db, pool } = createDb(database.url, { poolSize });
  const keys = AuditKeyRing.generate();
  return {
    url: database.url,
    db,
    pool,
    repository: new AuditRepository(db, keys),
    keys,
    async tamper(sql) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only');
        await client.query(sql);
        await client.query('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only');
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}

/** A plausible read entry, numbered `n` so entries differ. */
export function readDraft(n: number, overrides: Partial<AuditDraft> = {}): AuditDraft {
  return {
    clientId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    agency: 'MEDICAL_INSURANCE',
    jti: `jti-${n}`,
    purpose: 'SETTLEMENT',
    operationName: `Read${n}`,
    documentHash: 'ab'.repeat(32),
    personIds: [`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`],
    fields: ['Person.idNumber', 'Person.name'],
    outcome: 'SUCCESS',
    ...overrides,
  };
}

/** A key ring as `HUB_AUDIT_KEYS` spells it. */
export function keysEnv(keys: AuditKeyRing): string {
  return keys.keys.map((key) => `${key.kid}=${key.secret.toString('base64url')}`).join(',');
}
