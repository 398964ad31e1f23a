import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certify, createHousehold } from '../../support/factory.js';
import { inpatientClaim } from '../../support/claims.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let insurance: { clientId: string; token: string };

const SETTLE = `mutation Settle($input: ClaimInput!) { settleClaim(input: $input) { id assistancePaid } }`;

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '6207');
  await hub.requestText(
    `mutation ($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }`,
    { input: { regionCode: '6207', year: 2024, caps: [{ category: 'MINIMUM_LIVING', amount: '10000.00' }] } },
    { token: insurance.token, purpose: 'SETTLEMENT' },
  );
});

afterAll(() => hub.close());

/** The SQL statements one settleClaim request sends, all included (token check, reads, transaction, audit entry). */
async function statementsOf(input: Record<string, unknown>): Promise<{ statements: string[]; assistance: string }> {
  hub.counter.count = 0;
  hub.counter.statements.length = 0;
  const answer = await hub.requestText(SETTLE, { input }, { token: insurance.token, purpose: 'SETTLEMENT' });
  expect(answer.errors).toBeUndefined();
  return { statements: [...hub.counter.statements], assistance: (answer.data!.settleClaim as { assistancePaid: string }).assistancePaid };
}

describe('the cost of settleClaim in SQL statements', () => {
  it('settles a claim in a fixed number of statements, and replays it in fewer', async () => {
    const person = (await createHousehold(hub.db, '620702', 1, 'URBAN')).members[0]!;
    await certify(hub.db, person.id, 'MINIMUM_LIVING', '2020-01-01', { class: 1 });
    const input = inpatientClaim(person.id, 'S-COUNT-1', { totalCost: '5000.00', inPolicyCost: '4000.00', basicPaid: '1000.00' });
    const settled = await statementsOf(input);
    expect(settled.assistance).toBe('2700.00');
    // token, person, statuses, claim, region configuration, approved applications covering the date (依申请);
    // BEGIN, lock, claim again, year to date, insert, read back; the audit entry (one call: lock, head, insert), COMMIT.
    expect(settled.statements).toHaveLength(14);
    expect(settled.statements.filter((sql) => /pg_advisory_xact_lock/.test(sql))).toHaveLength(1);
    expect(settled.statements.filter((sql) => /audit_append/.test(sql))).toHaveLength(1);
    expect(settled.statements.filter((sql) => /INSERT INTO "public"."benefit_record"/.test(sql))).toHaveLength(1);

    const replayed = await statementsOf(input);
    expect(replayed.assistance).toBe('2700.00');
    expect(replayed.statements.length).toBeLessThan(settled.statements.length);
    expect(replayed.statements.some((sql) => /INSERT INTO "public"."benefit_record"/.test(sql))).toBe(false);
  });
});
