import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldAccess } from '../../../src/auth/access-policy.js';
import type { Agency } from '../../../src/generated/prisma/enums.js';
import { seed } from '../../../src/modules/seed/seed.service.js';
import { consent, refer } from '../../auth/access.fixture.js';
import { certify, createHousehold, recordBenefit } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

/**
 * The planned read of `persons` (person.plan.ts) against the resolvers and
 * loaders it replaces: the same answers and the same audit entries for every
 * agency's view (masked ones included), and its statement count.
 */

let hub: TestHub;
const tokens = new Map<Agency, string>();
const PURPOSE: Partial<Record<Agency, string>> = {
  MEDICAL_INSURANCE: 'ASSISTANCE_ELIGIBILITY',
  CIVIL_AFFAIRS: 'ASSISTANCE_ELIGIBILITY',
  RURAL_REVITALIZATION: 'ASSISTANCE_ELIGIBILITY',
  HEALTH: 'MONITORING_FOLLOW_UP',
  CHARITY: 'CHARITY_AID',
  INSURER: 'CLAIM_COORDINATION',
  AUDITOR: 'AUDIT',
};
const AGENCIES = Object.keys(PURPOSE) as Agency[];
const BIG = { trustedDocumentsOnly: false, cost: 1_000_000, responseBytes: 50_000_000, depth: 10 };

/** The nested read of test/operations/persons.graphql, as a tree: a field, its arguments and what it selects. */
type Tree = [string, string, Tree[]?];
const PERSON: Tree[] = [
  ['id', ''],
  ['idNumber', ''],
  ['name', ''],
  ['gender', ''],
  ['birthDate', ''],
  ['residence', ''],
  ['regionCode', ''],
  ['phone', ''],
  [
    'household',
    '',
    [
      ['id', ''],
      ['regionCode', ''],
      [
        'members',
        '',
        [
          ['id', ''],
          ['name', ''],
          ['idNumber', ''],
        ],
      ],
    ],
  ],
  [
    'statuses',
    '',
    [
      'id',
      'category',
      'class',
      'certifiedBy',
      'documentNo',
      'validFrom',
      'validTo',
      'transitionUntil',
      'retroactive',
      'revokedAt',
      'revokeReason',
    ].map((f): Tree => [f, '']),
  ],
  [
    'enrollments',
    '(year: $year)',
    ['id', 'year', 'scheme', 'status', 'personalContribution', 'subsidyAmount', 'subsidyCategory'].map((f): Tree => [f, '']),
  ],
  [
    'benefits',
    '(year: $year, first: 2)',
    [
      ['totalCount', ''],
      [
        'pageInfo',
        '',
        [
          ['hasNextPage', ''],
          ['endCursor', ''],
        ],
      ],
      [
        'edges',
        '',
        [
          ['cursor', ''],
          [
            'node',
            '',
            ['id', 'claimId', 'serviceDate', 'visitType', 'kind', 'diagnosis', 'totalCost', 'outOfPocket', 'category'].map((f): Tree => [
              f,
              '',
            ]),
          ],
        ],
      ],
    ],
  ],
  [
    'burden',
    '(year: $year)',
    ['year', 'visits', 'totalCost', 'outOfPocket', 'charityPaid', 'commercialPaid', 'remaining'].map((f): Tree => [f, '']),
  ],
];
const TYPES: Record<string, string> = {
  household: 'Household',
  members: 'Person',
  statuses: 'HouseholdStatus',
  enrollments: 'Enrollment',
  benefits: 'BenefitConnection',
  burden: 'Burden',
  edges: 'BenefitEdge',
  node: 'BenefitRecord',
  pageInfo: 'PageInfo',
};

/** The selection of `tree` on `type` that `agency`'s view has. */
function select(agency: Agency, type: string, tree: Tree[]): string {
  const structural = ['BenefitConnection', 'BenefitEdge', 'PageInfo'].includes(type);
  return tree
    .filter(([field]) => structural || fieldAccess(agency, `${type}.${field}`) !== undefined)
    .map(([field, args, children]) => (children ? `${field}${args} { ${select(agency, TYPES[field]!, children)} }` : field))
    .join(' ');
}

/** The nested read for `agency`; `fallback` adds a directive, which the planner leaves to the loaders. */
function nested(agency: Agency, fallback: boolean): string {
  const selection = select(agency, 'Person', PERSON);
  return `query Nested($first: Int, $after: String${selection.includes('$year') ? ', $year: Int!' : ''}) {
    persons(filter: { regionPrefix: "6207" }, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node ${fallback ? '@include(if: true) ' : ''}{ ${selection} } }
    }
  }`;
}

/** The statements that read persons' data: not the client's check, not the audit entry's. */
function reads(): string[] {
  return hub.counter.statements.filter(
    (s) => !/^\s*(BEGIN|COMMIT|ROLLBACK)|audit_entry|audit_append|pg_advisory|transaction_isolation|revoked_token/i.test(s),
  );
}

async function read(agency: Agency, query: string, variables: Record<string, unknown>) {
  hub.counter.count = 0;
  hub.counter.statements.length = 0;
  const response = await hub.requestText(query, variables, { token: tokens.get(agency)!, purpose: PURPOSE[agency]! });
  expect(response.errors).toBeUndefined();
  const statements = reads();
  const entry = await hub.pool.query<{ person_ids: string[] }>('SELECT person_ids FROM audit_entry ORDER BY seq DESC LIMIT 1');
  return { data: response.data!, audited: [...entry.rows[0]!.person_ids].sort(), statements };
}

beforeAll(async () => {
  hub = await startTestHub();
  await seed(hub.pool, { persons: 240, region: '620700', year: 2024, seed: 7 });
  for (const agency of AGENCIES) tokens.set(agency, (await hub.client(agency, '6207', undefined, BIG)).token);
  const charity = (await hub.pool.query<{ id: string }>("SELECT id FROM client WHERE agency = 'CHARITY'")).rows[0]!.id;
  const insurer = (await hub.pool.query<{ id: string }>("SELECT id FROM client WHERE agency = 'INSURER'")).rows[0]!.id;
  const by = (await hub.pool.query<{ id: string }>("SELECT id FROM client WHERE agency = 'MEDICAL_INSURANCE' LIMIT 1")).rows[0]!.id;
  // A household of mixed residence (rural revitalization sees only its rural members), with history and partners' payments.
  const family = await createHousehold(hub.db, '620702', 3);
  await hub.db.person.update({ where: { id: family.members[2]!.id }, data: { residence: 'URBAN' } });
  const [head, second] = family.members;
  await certify(hub.db, head!.id, 'AT_RISK_MONITORED', '2023-01-01');
  await certify(hub.db, head!.id, 'MINIMUM_LIVING', '2021-03-01', { validTo: '2023-02-28', class: 2 });
  await certify(hub.db, second!.id, 'LOW_INCOME_MARGINAL', '2020-01-01', { revokedAt: '2022-06-15T08:00:00Z' });
  for (const [i, date] of ['2024-02-01', '2024-05-01', '2024-09-01'].entries()) {
    await recordBenefit(hub.db, head!.id, `PLAN-${i}`, date, { total: '1000.10', oop: '100.05' });
  }
  await hub.db.charityAid.create({
    data: { personId: head!.id, clientId: charity, amount: '50.25', paidOn: new Date('2024-06-01'), reference: 'P-1' },
  });
  // Partners' rows: referrals and consents, some of them ended.
  const persons = (await hub.pool.query<{ id: string }>("SELECT id FROM person WHERE region_code LIKE '6207%' ORDER BY id")).rows;
  for (const [i, { id }] of persons.entries()) {
    if (i % 7 === 0) await refer(hub.db, id, charity, by, i % 21 === 0 ? { revokedAt: '2024-05-01T08:00:00Z' } : {});
    if (i % 5 === 0) await consent(hub.db, id, insurer, by, i % 15 === 0 ? { validTo: '2024-01-31' } : {});
  }
  await refer(hub.db, head!.id, charity, by);
  await consent(hub.db, head!.id, insurer, by);
}, 240_000);

afterAll(() => hub?.close());

describe('the planned read of persons', () => {
  it.each(AGENCIES)('answers %s as the resolvers and loaders do, page after page, and audits the same persons', async (agency) => {
    let after: string | null = null;
    let pages = 0;
    do {
      const variables = { first: 40, after, year: 2024 };
      const planned = await read(agency, nested(agency, false), variables);
      const fallback = await read(agency, nested(agency, true), variables);
      expect(planned.data).toEqual(fallback.data);
      expect(planned.audited).toEqual(fallback.audited);
      const persons = planned.data.persons as { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      expect(persons.edges.length).toBeGreaterThan(0);
      expect(planned.audited.length).toBeGreaterThanOrEqual(persons.edges.length);
      // The planner did read it (one statement), the fallback through the loaders (the page, its count and each relation).
      expect(planned.statements).toHaveLength(1);
      expect(fallback.statements.length).toBeGreaterThan(1);
      after = persons.pageInfo.hasNextPage ? persons.pageInfo.endCursor : null;
      pages += 1;
    } while (after && pages < 3);
  });

  it('masks identifiers for a masked view (insurer) as the view does', async () => {
    const { data } = await read('INSURER', nested('INSURER', false), { first: 10, year: 2024 });
    const nodes = (data.persons as { edges: { node: { idNumber: string; name: string } }[] }).edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.idNumber).toMatch(/^\d{6}\*{11}[\dX]$/);
  });

  it('reads the nested page in one statement, whatever the page size', async () => {
    const page = async (first: number) => {
      const { data, statements } = await read('MEDICAL_INSURANCE', nested('MEDICAL_INSURANCE', false), { first, year: 2024 });
      expect((data.persons as { edges: unknown[] }).edges).toHaveLength(first);
      return statements;
    };
    const small = await page(10);
    const large = await page(100);
    expect(small.map((s) => s.slice(0, 60))).toHaveLength(1);
    expect(large.map((s) => s.slice(0, 60))).toHaveLength(1);
  });

  it('leaves to the loaders a selection it does not plan, with the same answer', async () => {
    hub.counter.count = 0;
    hub.counter.statements.length = 0;
    const query = `query { persons(filter: { regionPrefix: "620702" }, first: 5) { edges { node { id changes { field } statuses { category } } } } }`;
    const response = await hub.requestText(query, {}, { token: tokens.get('MEDICAL_INSURANCE')! });
    expect(response.errors).toBeUndefined();
    // Person.changes is not planned: its loader reads it, the statuses come with the page.
    expect(hub.counter.statements.some((s) => /person_change/.test(s))).toBe(true);
    expect(hub.counter.statements.some((s) => /FROM "public"."household_status"/.test(s))).toBe(false);
  });
});
