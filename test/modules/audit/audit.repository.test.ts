import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEntry, verifyChain } from '../../../src/modules/audit/audit.chain.js';
import { AuditRepository } from '../../../src/modules/audit/audit.repository.js';
import { createDb } from '../../../src/server/prisma.js';
import { openAuditDatabase, readDraft, type AuditDatabase } from './audit.fixtures.js';

let audit: AuditDatabase;

beforeAll(async () => {
  audit = await openAuditDatabase();
});

afterAll(() => audit.close());

/** Empties the log behind the trigger's back, so each test starts a chain of its own. */
async function resetLog(): Promise<void> {
  await audit.tamper('TRUNCATE audit_entry');
}

async function appendMany(count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) await audit.repository.append(readDraft(n));
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('appending to the audit log', () => {
  beforeEach(resetLog);

  it('numbers entries from 1, links the first to 64 zeros and each to its predecessor, and stores what it hashed', async () => {
    const first = await audit.repository.append(
      readDraft(1, {
        personIds: ['00000000-0000-4000-8000-00000000000B', '00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'],
      }),
    );
    const second = await audit.repository.append({ outcome: 'DENIED', error: 'purpose not allowed' });
    expect(first).toMatchObject({
      seq: 1n,
      prevHash: GENESIS_HASH,
      personIds: ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'],
    });
    expect(first.hash).toBe(hashEntry(GENESIS_HASH, first, audit.keys.current));
    expect(second).toMatchObject({ seq: 2n, prevHash: first.hash, clientId: null, personIds: [], fields: [], outcome: 'DENIED' });
    expect(second.at.getTime()).toBeGreaterThanOrEqual(first.at.getTime());
    const stored = await collect(audit.repository.chain());
    expect(stored).toEqual([
      { ...first, agency: 'MEDICAL_INSURANCE', purpose: 'SETTLEMENT' },
      { ...second, agency: null, purpose: null },
    ]);
  });

  it('builds a chain of 1 000 entries that verifies, read in batches', async () => {
    await appendMany(1000);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 1000 });
    // A batch size that does not divide the count: the keyset must neither skip nor repeat an entry at a batch boundary.
    expect(await verifyChain(audit.repository.chain(7), audit.keys)).toEqual({ intact: true, entries: 1000 });
  }, 60_000);

  it('keeps one chain when 50 appends race from separate connections', async () => {
    const clients = Array.from({ length: 5 }, () => createDb(audit.url, { poolSize: 5 }));
    try {
      const repositories = clients.map(({ db }) => new AuditRepository(db, audit.keys));
      const rows = await Promise.all(Array.from({ length: 50 }, (_, n) => repositories[n % repositories.length]!.append(readDraft(n + 1))));
      expect(rows.map((r) => r.seq).sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 50 }, (_, n) => BigInt(n + 1)));
      expect(new Set(rows.map((r) => r.prevHash)).size).toBe(50);
      expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 50 });
    } finally {
      await Promise.all(clients.map(async ({ db, pool }) => (await db.$disconnect(), await pool.end())));
    }
  });

  it('gathers concurrent appends of one process into batches, one statement each, the lock taken inside it', async () => {
    const counter = { count: 0, statements: [] as string[] };
    const own = createDb(audit.url, { poolSize: 4, counter });
    try {
      const repository = new AuditRepository(own.db, audit.keys);
      await repository.append(readDraft(1)); // the first append of a process learns the head
      counter.count = 0;
      counter.statements.length = 0;
      const rows = await Promise.all(Array.from({ length: 40 }, (_, n) => repository.append(readDraft(n + 2))));
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, n) => BigInt(n + 2)));
      // One statement per batch, no BEGIN, lock or head read of its own: far fewer than the 40 entries.
      expect(counter.statements.every((sql) => /audit_append/.test(sql))).toBe(true);
      expect(counter.count).toBeLessThanOrEqual(3);
      // Another process appends in between: this one's next batch finds another head, and rechains from it.
      await audit.repository.append(readDraft(42));
      const after = await repository.append(readDraft(43));
      expect(after.seq).toBe(43n);
      expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 43 });
    } finally {
      await own.db.$disconnect();
      await own.pool.end();
    }
  });

  it("writes inside the caller's transaction: a rollback leaves no entry and no gap in the numbering", async () => {
    await audit.repository.append(readDraft(1));
    await expect(
      audit.repository.transaction(async (tx) => {
        await audit.repository.append(readDraft(2), tx);
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    await audit.db.$transaction(async (tx) => {
      await audit.repository.append(readDraft(3), tx);
    });
    const stored = await collect(audit.repository.chain());
    expect(stored.map((r) => [r.seq, r.jti])).toEqual([
      [1n, 'jti-1'],
      [2n, 'jti-3'],
    ]);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 2 });
  });

  it('refuses a transaction of stricter isolation, whose snapshot could miss the last entry', async () => {
    await expect(
      audit.db.$transaction((tx) => audit.repository.append(readDraft(1), tx), { isolationLevel: 'RepeatableRead' }),
    ).rejects.toThrow(/READ COMMITTED/);
    expect(await audit.db.auditEntry.count()).toBe(0);
  });

  it('stores awkward text exactly as hashed: NUL, a lone surrogate, and more than the column holds', async () => {
    const error = `bad \u0000 value \ud800 ${'😀'.repeat(600)}`;
    const row = await audit.repository.append(readDraft(1, { outcome: 'FAILED', error, operationName: 'Op'.repeat(150) }));
    expect(Array.from(row.error!)).toHaveLength(500);
    expect(row.operationName).toHaveLength(200);
    expect(row.error!.startsWith('bad \uFFFD value \uFFFD 😀')).toBe(true);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 1 });
  });

  it('throws rather than writing an entry it could not verify later', async () => {
    await expect(audit.repository.append(readDraft(1, { documentHash: 'not a hash' }))).rejects.toThrow(/documentHash/);
    await expect(audit.repository.append(readDraft(1, { personIds: ['not-a-uuid'] }))).rejects.toThrow();
    expect(await audit.db.auditEntry.count()).toBe(0);
  });
});

describe('the append-only trigger', () => {
  beforeAll(async () => {
    await resetLog();
    await appendMany(3);
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even of no row', async () => {
    await expect(audit.pool.query(`UPDATE audit_entry SET outcome = 'DENIED' WHERE seq = 2`)).rejects.toThrow(/append-only: UPDATE/);
    await expect(audit.pool.query('DELETE FROM audit_entry WHERE seq = 3')).rejects.toThrow(/append-only: DELETE/);
    await expect(audit.pool.query('DELETE FROM audit_entry WHERE seq = 999')).rejects.toThrow(/append-only: DELETE/);
    await expect(audit.pool.query('TRUNCATE audit_entry')).rejects.toThrow(/append-only: TRUNCATE/);
    await expect(audit.db.auditEntry.update({ where: { seq: 1n }, data: { error: 'x' } })).rejects.toThrow(/append-only/);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 3 });
  });
});

describe('verifying a tampered log', () => {
  beforeEach(async () => {
    await resetLog();
    await appendMany(10);
  });

  it('finds an edited field at its entry', async () => {
    await audit.tamper(`UPDATE audit_entry SET purpose = 'MONITORING_FOLLOW_UP' WHERE seq = 4`);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({
      intact: false,
      firstBroken: { seq: 4n, reason: 'hash mismatch' },
    });
  });

  it('finds a person removed from an entry', async () => {
    await audit.tamper(`UPDATE audit_entry SET person_ids = '{}' WHERE seq = 9`);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({
      intact: false,
      firstBroken: { seq: 9n, reason: 'hash mismatch' },
    });
  });

  it('finds a deleted entry at its successor', async () => {
    await audit.tamper('DELETE FROM audit_entry WHERE seq = 6');
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({
      intact: false,
      firstBroken: { seq: 7n, reason: 'sequence gap' },
    });
  });

  it('finds a deleted entry whose successors were renumbered', async () => {
    await audit.tamper('DELETE FROM audit_entry WHERE seq = 6; UPDATE audit_entry SET seq = seq - 1 WHERE seq > 6');
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({
      intact: false,
      firstBroken: { seq: 6n, reason: 'previous hash mismatch' },
    });
  });

  it('finds two swapped entries at the first of them', async () => {
    await audit.tamper(`
      UPDATE audit_entry AS a SET at = b.at, client_id = b.client_id, agency = b.agency, jti = b.jti, purpose = b.purpose,
        operation_name = b.operation_name, document_hash = b.document_hash, person_ids = b.person_ids, fields = b.fields,
        outcome = b.outcome, error = b.error, prev_hash = b.prev_hash, hash = b.hash
      FROM audit_entry AS b WHERE (a.seq, b.seq) IN ((3, 8), (8, 3))`);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({
      intact: false,
      firstBroken: { seq: 3n, reason: 'previous hash mismatch' },
    });
  });
});
