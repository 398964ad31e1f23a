import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inpatientClaim, SETTLE, storeVisit } from '../../support/claims.js';
import { certify, createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let rural: { clientId: string; token: string };
let jiaxingCivil: { clientId: string; token: string };
let ganzhouCivil: { clientId: string; token: string };

const ALERTS = `query ($filter: AlertFilter, $first: Int, $after: String) {
  alerts(filter: $filter, first: $first, after: $after) {
    totalCount countsByStatus { status count } pageInfo { hasNextPage endCursor }
    edges { node { id rule status targets month amount person { id regionCode } } }
  }
}`;
const REVIEW = `mutation ($id: ID!) { reviewAlert(id: $id) { id status handledByClientId } }`;
const CLOSE = `mutation ($id: ID!, $outcome: AlertOutcome!, $note: String!) { closeAlert(id: $id, outcome: $outcome, note: $note) { id status outcome note } }`;
const RUN = `mutation ($month: String!) { runMonitoring(month: $month) { month persons visits raised } }`;
const PERSON_ALERTS = `query ($id: ID) { person(id: $id) { alerts { id rule } } }`;

type Page = { totalCount: number; countsByStatus: { status: string; count: number }[]; edges: { node: { id: string; status: string } }[] };

/** Settles `inpatientClaim`'s stay for a new person: 20 000 after insurance, above gansu-2023's 12 000 for people with no category. */
async function alertFor(regionCode: string, claimId: string, residence: 'RURAL' | 'URBAN' = 'RURAL') {
  const person = (await createHousehold(hub.db, regionCode, 1, residence)).members[0]!;
  const input = inpatientClaim(person.id, claimId);
  const settled = await hub.requestText(SETTLE, { input }, { token: insurance.token, purpose: 'SETTLEMENT' });
  expect(settled.errors).toBeUndefined();
  const alert = await hub.db.alert.findFirst({ where: { personId: person.id } });
  return { personId: person.id, alertId: alert?.id ?? null };
}

const follow = (query: string, variables: Record<string, unknown>, token: string) =>
  hub.requestText(query, variables, { token, purpose: 'MONITORING_FOLLOW_UP' });

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '62');
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
  rural = await hub.client('RURAL_REVITALIZATION', '6207');
  jiaxingCivil = await hub.client('CIVIL_AFFAIRS', '3304');
  ganzhouCivil = await hub.client('CIVIL_AFFAIRS', '620702');
});

afterAll(() => hub.close());

describe('alerts', () => {
  it('shows a target agency the alerts of its rows only: Ganzhou civil affairs sees Ganzhou, not Minle', async () => {
    const ganzhou = await alertFor('620702', 'A-ROWS-1');
    const minle = await alertFor('620722', 'A-ROWS-2');
    const ids = async (token: string) => ((await follow(ALERTS, { first: 100 }, token)).data!.alerts as Page).edges.map((e) => e.node.id);
    expect(await ids(ganzhouCivil.token)).toContain(ganzhou.alertId);
    expect(await ids(ganzhouCivil.token)).not.toContain(minle.alertId);
    expect(await ids(civil.token)).toEqual(expect.arrayContaining([ganzhou.alertId, minle.alertId]));
    expect(await ids(jiaxingCivil.token)).toEqual([]);
  });

  it('pages newest first and counts the whole filter by status', async () => {
    for (let i = 0; i < 3; i += 1) await alertFor('620723', `A-PAGE-${i}`);
    const first = (await follow(ALERTS, { filter: { regionPrefix: '620723' }, first: 2 }, civil.token)).data!.alerts as Page & {
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(first.totalCount).toBe(3);
    expect(first.countsByStatus).toEqual([{ status: 'RAISED', count: 3 }]);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await follow(ALERTS, { filter: { regionPrefix: '620723' }, first: 2, after: first.pageInfo.endCursor }, civil.token))
      .data!.alerts as Page;
    expect(second.edges).toHaveLength(1);
    expect(second.edges[0]!.node.id < first.edges[1]!.node.id).toBe(true);
  });

  it('lets a target agency take an alert under review and close it with an outcome, each move audited', async () => {
    const { personId, alertId } = await alertFor('620724', 'A-MOVE-1');
    const before = await hub.db.auditEntry.count();
    const reviewed = await follow(REVIEW, { id: alertId }, rural.token);
    expect(reviewed.data!.reviewAlert).toEqual({ id: alertId, status: 'UNDER_REVIEW', handledByClientId: rural.clientId });
    const closed = await follow(CLOSE, { id: alertId, outcome: 'INCLUDED_IN_ASSISTANCE', note: '纳入临时救助' }, civil.token);
    expect(closed.data!.closeAlert).toEqual({ id: alertId, status: 'CLOSED', outcome: 'INCLUDED_IN_ASSISTANCE', note: '纳入临时救助' });
    const entries = await hub.db.auditEntry.findMany({ where: { seq: { gt: before } }, orderBy: { seq: 'asc' } });
    expect(entries.map((e) => [e.outcome, e.personIds])).toEqual([
      ['SUCCESS', [personId]],
      ['SUCCESS', [personId]],
    ]);
    const reopened = await follow(REVIEW, { id: alertId }, civil.token);
    expect(reopened.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', argument: 'id' });
  });

  it('keeps the alert out of reach of agencies that are not its target or not in its rows', async () => {
    const { alertId } = await alertFor('620725', 'A-REACH-1');
    const outside = await follow(REVIEW, { id: alertId }, jiaxingCivil.token);
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'id' });
    const raiser = await follow(REVIEW, { id: alertId }, insurance.token);
    expect(raiser.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await hub.db.alert.findUniqueOrThrow({ where: { id: alertId! } })).status).toBe('RAISED');
  });

  it('does not show rural revitalization an alert of an urban resident', async () => {
    const { personId, alertId } = await alertFor('620702', 'A-URBAN-1', 'URBAN');
    // gansu-2023 三(一) concerns rural residents: an urban stay raises nothing.
    expect(alertId).toBeNull();
    const answer = await follow(PERSON_ALERTS, { id: personId }, rural.token);
    expect(answer.data!.person).toBeNull();
  });

  it('lists a person’s alerts on Person.alerts', async () => {
    const { personId, alertId } = await alertFor('620702', 'A-PERSON-1');
    const answer = await follow(PERSON_ALERTS, { id: personId }, civil.token);
    expect(answer.data!.person).toEqual({ alerts: [{ id: alertId, rule: 'gansu-2023/rural-other-stay' }] });
  });
});

describe('runMonitoring', () => {
  it('raises the yearly alerts of a month once, however often the month is run', async () => {
    const beijing = await hub.client('MEDICAL_INSURANCE', '11');
    const person = (await createHousehold(hub.db, '110101', 1)).members[0]!;
    await certify(hub.db, person.id, 'AT_RISK_MONITORED', '2020-01-01');
    // national-2021 (七) leaves the annual-burden threshold to the region: a visit stored before it is configured raised nothing.
    await storeVisit(hub.db, person.id, 'A-RUN-1', '2024-03-03', {
      totalCost: '9000.00',
      inPolicyCost: '3000.00',
      basicPaid: '2000.00',
      outOfPocket: '7000.00',
    });
    const configured = await hub.requestText(
      `mutation ($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }`,
      { input: { regionCode: '11', year: 2024, monitoringThreshold: '6000.00' } },
      { token: beijing.token, purpose: 'MONITORING_FOLLOW_UP' },
    );
    expect(configured.errors).toBeUndefined();
    const first = await follow(RUN, { month: '2024-03' }, beijing.token);
    expect(first.errors).toBeUndefined();
    expect((first.data!.runMonitoring as { raised: number }).raised).toBeGreaterThanOrEqual(1);
    const raised = await hub.db.alert.findMany({ where: { personId: person.id } });
    expect(raised.map((a) => [a.measure, a.month, a.amount.toFixed(2)])).toContainEqual(['YEAR_OUT_OF_POCKET', '2024-03', '7000.00']);
    const [entry] = await hub.db.auditEntry.findMany({
      where: { clientId: beijing.clientId, outcome: 'SUCCESS' },
      orderBy: { seq: 'desc' },
      take: 1,
    });
    expect(entry!.personIds).toContain(person.id);
    const again = await follow(RUN, { month: '2024-03' }, beijing.token);
    expect(again.data!.runMonitoring).toMatchObject({ month: '2024-03', raised: 0 });
    expect(await hub.db.alert.count({ where: { personId: person.id } })).toBe(raised.length);
  });

  it('refuses a month that is not YYYY-MM', async () => {
    const answer = await follow(RUN, { month: '2024-13' }, insurance.token);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'month' });
  });
});
