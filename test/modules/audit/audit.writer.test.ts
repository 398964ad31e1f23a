import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain, type ChainRow } from '../../../src/modules/audit/audit.chain.js';
import { AuditWriter, type AuditedOperation } from '../../../src/modules/audit/audit.writer.js';
import { openAuditDatabase, type AuditDatabase } from './audit.fixtures.js';

let audit: AuditDatabase;

beforeAll(async () => {
  audit = await openAuditDatabase();
});

afterAll(() => audit.close());

beforeEach(() => audit.tamper('TRUNCATE audit_entry'));

const operation: AuditedOperation = {
  clientId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  agency: 'CIVIL_AFFAIRS',
  jti: 'token-1',
  purpose: 'ASSISTANCE_ELIGIBILITY',
  operationName: 'Household',
  documentHash: 'ef'.repeat(32),
};

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

async function entries(): Promise<ChainRow[]> {
  const rows: ChainRow[] = [];
  for await (const row of audit.repository.chain()) rows.push(row);
  return rows;
}

describe('the per-operation audit writer', () => {
  it('writes one entry for a read with everything recorded, and nothing more on a second flush', async () => {
    const writer = new AuditWriter(audit.repository, operation);
    writer.record({ personIds: [B.toUpperCase()], fields: ['Person.name'] });
    writer.record({ personIds: [A, B], fields: ['Household.members', 'Person.name'] });
    await writer.flush('SUCCESS');
    await writer.flush('SUCCESS');
    expect(await entries()).toEqual([
      expect.objectContaining({
        ...operation,
        seq: 1n,
        personIds: [A, B],
        fields: ['Household.members', 'Person.name'],
        outcome: 'SUCCESS',
        error: null,
      }),
    ]);
  });

  it('writes a denial that read nothing', async () => {
    await new AuditWriter(audit.repository, operation).flush('DENIED', 'purpose SETTLEMENT is not allowed to this client');
    expect(await entries()).toEqual([
      expect.objectContaining({ personIds: [], fields: [], outcome: 'DENIED', error: 'purpose SETTLEMENT is not allowed to this client' }),
    ]);
  });

  it('commits a write and its entry together, and the closing flush adds nothing', async () => {
    const writer = new AuditWriter(audit.repository, { ...operation, operationName: 'RegisterHousehold' });
    writer.record({ fields: ['Household.id'] });
    const household = await writer.transaction(async (tx) => {
      const created = await tx.household.create({ data: { regionCode: '620702' } });
      writer.record({ personIds: [A] });
      return created;
    });
    await writer.flush('SUCCESS');
    expect(await audit.db.household.count({ where: { id: household.id } })).toBe(1);
    expect(await entries()).toEqual([
      expect.objectContaining({ operationName: 'RegisterHousehold', personIds: [A], fields: ['Household.id'], outcome: 'SUCCESS' }),
    ]);
  });

  it('leaves neither the write nor its entry when the transaction rolls back; the failure is then logged once', async () => {
    const writer = new AuditWriter(audit.repository, operation);
    await expect(
      writer.transaction(async (tx) => {
        await tx.household.create({ data: { regionCode: '620799' } });
        writer.record({ personIds: [A] });
        throw new Error('duplicate ID number');
      }),
    ).rejects.toThrow('duplicate ID number');
    expect(await audit.db.household.count({ where: { regionCode: '620799' } })).toBe(0);
    expect(await entries()).toEqual([]);
    await writer.flush('FAILED', 'duplicate ID number');
    expect(await entries()).toEqual([
      expect.objectContaining({ seq: 1n, personIds: [A], outcome: 'FAILED', error: 'duplicate ID number' }),
    ]);
  });

  it('adds an entry with everything when more was read after the write committed', async () => {
    const writer = new AuditWriter(audit.repository, operation);
    await writer.transaction(async () => writer.record({ personIds: [A] }));
    writer.record({ personIds: [A], fields: ['Person.name'] });
    await writer.flush('SUCCESS');
    const rows = await entries();
    expect(rows.map((r) => [r.personIds, r.fields])).toEqual([
      [[A], []],
      [[A], ['Person.name']],
    ]);
    expect(await verifyChain(audit.repository.chain(), audit.keys)).toEqual({ intact: true, entries: 2 });
  });

  it('throws when the entry cannot be written, so the caller withholds the data', async () => {
    const writer = new AuditWriter(audit.repository, operation);
    writer.record({ personIds: ['not-a-uuid'] });
    await expect(writer.flush('SUCCESS')).rejects.toThrow();
    expect(await entries()).toEqual([]);
  });
});
