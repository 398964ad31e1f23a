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

describe('a batch of certifications, its events and their outbox', () => {
  const jobs = async () =>
    (
      await hub.pool.query<{ task_identifier: string; n: number }>(
        `SELECT task_identifier, count(*)::int AS n FROM graphile_worker.jobs GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
  /** Imports `n` new 特困 certifications of the person in one batch with the hub's event outbox; statements and jobs it added. */
  const importBatch = async (prefix: string, n: number) => {
    const rows = [
      'idNumber,category,documentNo,validFrom',
      ...Array.from({ length: n }, (_, i) => `${person.idNumber},EXTREME_POVERTY,${prefix}-${i},2024-01-01`),
    ];
    await hub.pool.query(`DELETE FROM graphile_worker._private_jobs`);
    hub.counter.count = 0;
    const report = await new ImportService(hub.db, hub.repositories.audit, hub.repositories.exchangeEvents).run(
      'statuses',
      readRows(Readable.from([rows.join('\n')]), 'csv'),
      civil,
      { batchSize: n },
    );
    expect(report).toMatchObject({ accepted: n, rejected: 0 });
    return { statements: hub.counter.count, jobs: await jobs() };
  };

  it('takes as many statements and two outbox jobs whatever the batch holds; the dispatcher expands them, once each', async () => {
    const small = await importBatch('BATCH-S', 3);
    const large = await importBatch('BATCH-L', 30);
    expect(large.statements).toBe(small.statements);
    const oneBatch = [
      { task_identifier: 'deliver_event_batch', n: 1 },
      { task_identifier: 'follow_certification_batch', n: 1 },
    ];
    expect(small.jobs).toEqual(oneBatch);
    expect(large.jobs).toEqual(oneBatch);
    // One event per certification, all of the batch's id; expanded (even twice) into one fan-out and one follow-up each.
    const events = await hub.db.hubEvent.findMany({
      where: {
        subjectId: {
          in: (await hub.db.householdStatus.findMany({ where: { documentNo: { startsWith: 'BATCH-L-' } }, select: { id: true } })).map(
            (s) => s.id,
          ),
        },
      },
    });
    expect(events).toHaveLength(30);
    const batchIds = new Set(events.map((event) => event.batchId));
    expect(batchIds.size).toBe(1);
    const [batchId] = [...batchIds] as [string];
    for (let run = 0; run < 2; run++) {
      expect(await hub.queue.expandEventBatch(hub.pool, batchId, null)).toBe(30);
      expect(await hub.queue.expandFollowUpBatch(hub.pool, batchId, null)).toBe(30);
    }
    expect(await jobs()).toEqual([
      { task_identifier: 'deliver_event', n: 30 },
      ...oneBatch.slice(0, 1),
      { task_identifier: 'follow_certification', n: 30 },
      ...oneBatch.slice(1),
    ]);
    const keyed = await hub.pool.query<{ key: string }>(
      `SELECT key FROM graphile_worker._private_jobs WHERE key LIKE 'event:%' OR key LIKE 'certification:%'`,
    );
    expect(new Set(keyed.rows.map((row) => row.key))).toEqual(
      new Set(events.flatMap((event) => [`event:${event.id}`, `certification:${event.subjectId}`])),
    );
  });
});
