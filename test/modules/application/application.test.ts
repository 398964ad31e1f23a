import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inpatientClaim } from '../../support/claims.js';
import { certify, createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let person: { id: string };
let outsider: { id: string };
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let revitalization: { clientId: string; token: string };

const SUBMIT = `mutation ($input: ApplicationInput!) { submitApplication(input: $input) { id status submittedBy decidingAgency periodFrom periodTo } }`;
const DECIDE = `mutation ($id: ID!, $d: ApplicationDecision!, $note: String) { decideApplication(id: $id, decision: $d, note: $note) { id status decisionNote decidedAt } }`;
const LIST = `query ($s: ApplicationStatus) { applications(status: $s) { edges { node { id personId status } } } }`;
const SETTLE = `mutation ($input: ClaimInput!) { settleClaim(input: $input) { category assistancePaid explanation { step detail } } }`;

type Application = { id: string; status: string };

beforeAll(async () => {
  hub = await startTestHub();
  // Jiaxing assists 低保边缘 (LOW_INCOME_MARGINAL) only on application (domain.md §3).
  person = (await createHousehold(hub.db, '330402', 1)).members[0]!;
  outsider = (await createHousehold(hub.db, '620702', 1)).members[0]!;
  await certify(hub.db, person.id, 'LOW_INCOME_MARGINAL', '2023-01-01');
  insurance = await hub.client('MEDICAL_INSURANCE', '3304');
  civil = await hub.client('CIVIL_AFFAIRS', '3304');
  revitalization = await hub.client('RURAL_REVITALIZATION', '3304');
  // jiaxing-2023 leaves the income behind 低保边缘's threshold to the region (domain.md §5.1).
  for (const year of [2024, 2025]) {
    const configured = await hub.requestText(
      `mutation ($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }`,
      { input: { regionCode: '3304', year, income: '10000.00', note: 'test values' } },
      { token: insurance.token, purpose: 'SETTLEMENT' },
    );
    expect(configured.errors).toBeUndefined();
  }
});

afterAll(() => hub.close());

const submit = (input: Record<string, unknown>, token = insurance.token) => hub.requestText(SUBMIT, { input }, { token });
const settle = (claimId: string, serviceDate: string) =>
  hub.requestText(
    SETTLE,
    { input: inpatientClaim(person.id, claimId, { serviceDate, totalCost: '5000.00', inPolicyCost: '4000.00', basicPaid: '1000.00' }) },
    { token: insurance.token, purpose: 'SETTLEMENT' },
  );

describe('applications for assistance (依申请)', () => {
  it('pays a category assisted on application only within an approved application’s period, naming it', async () => {
    const before = await settle('APP-0', '2024-03-10');
    expect(before.errors).toBeUndefined();
    expect(before.data!.settleClaim).toMatchObject({ category: null, assistancePaid: '0.00' });

    const submitted = await submit({
      personId: person.id,
      category: 'LOW_INCOME_MARGINAL',
      periodFrom: '2024-04-01',
      periodTo: '2024-12-31',
      reason: '大病支出',
    });
    expect(submitted.data!.submitApplication).toMatchObject({
      status: 'SUBMITTED',
      submittedBy: 'MEDICAL_INSURANCE',
      decidingAgency: 'CIVIL_AFFAIRS',
    });
    const application = submitted.data!.submitApplication as Application;
    const pending = await hub.requestText(LIST, { s: 'SUBMITTED' }, { token: civil.token });
    expect(pending.data!.applications).toEqual({ edges: [{ node: { id: application.id, personId: person.id, status: 'SUBMITTED' } }] });

    const decided = await hub.requestText(DECIDE, { id: application.id, d: 'APPROVED', note: '核实通过' }, { token: civil.token });
    expect(decided.data!.decideApplication).toMatchObject({ status: 'APPROVED', decisionNote: '核实通过' });
    const replay = await hub.requestText(DECIDE, { id: application.id, d: 'APPROVED', note: '核实通过' }, { token: civil.token });
    expect(replay.data!.decideApplication).toEqual(decided.data!.decideApplication);
    const reversed = await hub.requestText(DECIDE, { id: application.id, d: 'REJECTED' }, { token: civil.token });
    expect(reversed.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });

    const within = await settle('APP-1', '2024-05-10');
    expect(within.errors).toBeUndefined();
    const record = within.data!.settleClaim as { category: string; assistancePaid: string; explanation: { detail: string }[] };
    expect(record.category).toBe('LOW_INCOME_MARGINAL');
    expect(record.assistancePaid).not.toBe('0.00');
    expect(record.explanation.map((s) => s.detail).join(' ')).toContain(application.id);
    const after = await settle('APP-2', '2025-02-10');
    expect(after.data!.settleClaim).toMatchObject({ category: null, assistancePaid: '0.00' });
  });

  it('lets only the deciding agency decide; another agency is FORBIDDEN, a person outside the rows NOT_FOUND', async () => {
    const submitted = (await submit({ personId: person.id, category: 'ILLNESS_POVERTY', periodFrom: '2024-01-01' }, civil.token)).data!
      .submitApplication as Application;
    const byRr = await hub.requestText(DECIDE, { id: submitted.id, d: 'APPROVED' }, { token: revitalization.token });
    expect(byRr.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'id' });
    const byMi = await hub.requestText(DECIDE, { id: submitted.id, d: 'APPROVED' }, { token: insurance.token });
    expect(byMi.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const outside = await submit({ personId: outsider.id, category: 'ILLNESS_POVERTY', periodFrom: '2024-01-01' });
    expect(outside.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', argument: 'input.personId' });
    const otherCivil = await hub.client('CIVIL_AFFAIRS', '6207');
    const elsewhere = await hub.requestText(DECIDE, { id: submitted.id, d: 'APPROVED' }, { token: otherCivil.token });
    expect(elsewhere.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', argument: 'id' });
    const byRrSubmit = await submit({ personId: person.id, category: 'ILLNESS_POVERTY', periodFrom: '2024-01-01' }, revitalization.token);
    expect(byRrSubmit.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const bad = await submit({ personId: person.id, category: 'ILLNESS_POVERTY', periodFrom: '2024-05-01', periodTo: '2024-01-01' });
    expect(bad.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.periodTo' });
  });
});
