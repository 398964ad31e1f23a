import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { readRows } from '../../../src/modules/import/import.reader.js';
import { ImportService } from '../../../src/modules/import/import.service.js';
import { NO_EXCHANGE_EVENTS } from '../../../src/modules/status/exchange.events.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let civil: Principal;
let person: { id: string; idNumber: string };
let outsider: { id: string; idNumber: string };

beforeAll(async () => {
  hub = await startTestHub();
  person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
  outsider = (await createHousehold(hub.db, '330402', 1)).members[0]!;
  const { clientId } = await hub.client('CIVIL_AFFAIRS', '6207');
  civil = { clientId, agency: 'CIVIL_AFFAIRS', jurisdiction: '6207', purposes: ['ASSISTANCE_ELIGIBILITY'], jti: '' };
});

afterAll(() => hub.close());

const csv = () =>
  [
    'idNumber,personId,category,class,documentNo,validFrom,validTo',
    `${person.idNumber},,MINIMUM_LIVING,2,IMP-1,2024-01-01,`,
    `${person.idNumber},,RETURNED_TO_POVERTY,,IMP-2,2024-01-01,`,
    `${outsider.idNumber},,MINIMUM_LIVING,,IMP-3,2024-01-01,`,
    `,${person.id},LOW_INCOME_MARGINAL,,IMP-4,2024-02-30,`,
    `,${person.id},LOW_INCOME_MARGINAL,,IMP-4,2024-02-01,`,
    `,${person.id},LOW_INCOME_MARGINAL,,IMP-4,2024-02-01,2024-06-30`,
  ].join('\n');

const run = () =>
  new ImportService(hub.db, hub.repositories.audit, NO_EXCHANGE_EVENTS).run('statuses', readRows(Readable.from([csv()]), 'csv'), civil);

describe('hub import statuses', () => {
  it('stores the good rows, reports the bad ones by line, field and reason, and stores nothing new the second time', async () => {
    const first = await run();
    expect(first).toMatchObject({ accepted: 3, rejected: 3, unchanged: 0 });
    expect(first.errors).toEqual([
      { line: 3, field: 'category', code: 'FORBIDDEN', reason: 'RETURNED_TO_POVERTY is certified by RURAL_REVITALIZATION' },
      { line: 4, field: 'idNumber', code: 'NOT_FOUND', reason: 'no person with this id or ID number in your rows' },
      { line: 5, field: 'validFrom', code: 'BAD_USER_INPUT', reason: 'must be a real date YYYY-MM-DD' },
    ]);
    const imp4 = await hub.db.householdStatus.findMany({ where: { documentNo: 'IMP-4' }, orderBy: { createdAt: 'asc' } });
    expect(imp4).toHaveLength(2);
    expect(imp4[1]!.supersedesId).toBe(imp4[0]!.id);
    const count = await hub.db.householdStatus.count();
    const second = await run();
    expect(second).toMatchObject({ accepted: 0, rejected: 3, unchanged: 3 });
    expect(await hub.db.householdStatus.count()).toBe(count);
  });

  it('leaves nothing of a batch that fails, keeps the batches before it, and finishes when run again', async () => {
    const rows = ['idNumber,category,documentNo,validFrom', ...[1, 2, 3, 4, 5].map((n) => `${person.idNumber},ORPHAN,RB-${n},2024-01-01`)];
    const read = () => readRows(Readable.from([rows.join('\n')]), 'csv');
    let calls = 0;
    // The event hook of the fourth row fails: its batch (rows 3 and 4, two rows a batch) rolls back whole.
    const failing = {
      ...NO_EXCHANGE_EVENTS,
      certified: async () => {
        calls += 1;
        if (calls === 4) throw new Error('outbox down');
      },
    };
    await expect(
      new ImportService(hub.db, hub.repositories.audit, failing).run('statuses', read(), civil, { batchSize: 2 }),
    ).rejects.toThrow('outbox down');
    const stored = await hub.db.householdStatus.findMany({ where: { documentNo: { startsWith: 'RB-' } }, orderBy: { documentNo: 'asc' } });
    expect(stored.map((row) => row.documentNo)).toEqual(['RB-1', 'RB-2']);
    const rerun = await new ImportService(hub.db, hub.repositories.audit, NO_EXCHANGE_EVENTS).run('statuses', read(), civil, {
      batchSize: 2,
    });
    expect(rerun).toMatchObject({ accepted: 3, unchanged: 2, rejected: 0 });
    expect(await hub.db.householdStatus.count({ where: { documentNo: { startsWith: 'RB-' } } })).toBe(5);
  });
});
