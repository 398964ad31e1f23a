import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonsNestedDocument } from '../../generated/operations.js';
import { certify, createHousehold, recordBenefit } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  // 100 persons in 25 households, each with a status, an enrollment and a visit.
  for (let h = 0; h < 25; h += 1) {
    const { members } = await createHousehold(hub.db, h < 3 ? '620702' : '620721', 4);
    for (const [i, person] of members.entries()) {
      await certify(hub.db, person.id, 'MINIMUM_LIVING', '2022-01-01', { class: 1 });
      await hub.db.enrollment.create({
        data: { personId: person.id, year: 2024, scheme: 'RESIDENT', status: 'ENROLLED', personalContribution: '400.00' },
      });
      await recordBenefit(hub.db, person.id, `N1-${h}-${i}`, '2024-03-01', { total: '100.00', oop: '10.00' });
    }
  }
  // The first audit entry of a process learns the log's head (a transaction of its own); every later one is one statement.
  await statementsFor(1, '62');
});

afterAll(() => hub.close());

async function statementsFor(first: number, regionPrefix: string): Promise<{ statements: number; persons: number }> {
  hub.counter.count = 0;
  hub.counter.statements.length = 0;
  const { data, errors } = await hub.request(PersonsNestedDocument, { filter: { regionPrefix }, first, year: 2024 });
  expect(errors).toBeUndefined();
  return { statements: hub.counter.count, persons: data!.persons.edges.length };
}

describe('SQL statements per request', () => {
  it('are the same for a nested page of 10 persons and of 100 persons', async () => {
    const small = await statementsFor(10, '62');
    const large = await statementsFor(100, '62');
    expect(small.persons).toBe(10);
    expect(large.persons).toBe(100);
    expect(large.statements).toBe(small.statements);
  });

  it('are few: one read for the page and everything below it, whatever the page size', async () => {
    const { statements } = await statementsFor(100, '62');
    // 1 (is the token's client still active) + 1 planned read (the page, its count, household, members, statuses,
    // enrollments, benefit page and count, burden: person.plan.ts) + 1 for the audit entry (lock, head and insert in one call).
    expect(hub.counter.statements.filter((s) => /audit_append/.test(s))).toHaveLength(1);
    // The client check counts the request against the rate limit in the same statement.
    const clientCheck = hub.counter.statements.filter((s) => /FROM client c/.test(s));
    expect(clientCheck).toHaveLength(1);
    expect(clientCheck[0]).toMatch(/INSERT INTO rate_counter/);
    expect(hub.counter.statements.filter((s) => /^(BEGIN|COMMIT|ROLLBACK)/i.test(s) || /advisory/.test(s))).toHaveLength(0);
    expect(statements).toBe(3);
  });
});
