import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certify, createHousehold, recordBenefit } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let family: { household: { id: string }; members: { id: string }[] };
let gansu: { id: string };
let insurance: { token: string };
let civil: { token: string };
let health: { token: string };
let elsewhere: { token: string };

const PERSON = `query ($id: ID) { person(id: $id) { residual(year: 2024) { personId ruleSet visitsCounted outOfPocket partnerPaid residual cap excess explanation { step amount } } } }`;
const HOUSEHOLD = `query ($id: ID!) { household(id: $id) { residual(year: 2024) { residual cap excess fundCovers members { personId residual excess } } } }`;
interface Step {
  step: string;
  amount: string | null;
}
type PersonAnswer = { person: { residual: Record<string, unknown> & { explanation: Step[] } } };
type HouseholdAnswer = { household: { residual: Record<string, unknown> & { members: unknown[] } } };

const MEMBERS = `query ($id: ID!) { household(id: $id) { members { id } } }`;

async function jiaxingVisit(personId: string, claimId: string, oop: string, referral: 'LOCAL' | 'UNREFERRED' = 'LOCAL') {
  await recordBenefit(hub.db, personId, claimId, '2024-03-01', { total: '90000.00', oop, ruleSet: 'jiaxing-2023', referral });
}

beforeAll(async () => {
  hub = await startTestHub();
  family = await createHousehold(hub.db, '330402', 2);
  for (const member of family.members) await certify(hub.db, member.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
  const [first, second] = family.members as [{ id: string }, { id: string }];
  await jiaxingVisit(first.id, 'JX-1', '40000.00');
  await jiaxingVisit(first.id, 'JX-2', '7000.00', 'UNREFERRED');
  await jiaxingVisit(second.id, 'JX-3', '28000.00');
  await hub.db.charityAid.create({
    data: {
      personId: first.id,
      clientId: (await hub.client('CHARITY')).clientId,
      amount: '5000.00',
      paidOn: new Date('2024-04-01'),
      reference: 'RC-1',
      claimId: 'JX-1',
    },
  });
  gansu = (await createHousehold(hub.db, '620702', 1)).members[0]!;
  await certify(hub.db, gansu.id, 'MINIMUM_LIVING', '2023-06-01');
  await recordBenefit(hub.db, gansu.id, 'G-1', '2024-03-01', { total: '90000.00', oop: '40000.00' });
  insurance = await hub.client('MEDICAL_INSURANCE', '33');
  civil = await hub.client('CIVIL_AFFAIRS', '3304');
  health = await hub.client('HEALTH', '3304');
  elsewhere = await hub.client('CIVIL_AFFAIRS', '6207');
});

afterAll(() => hub.close());

describe('Person.residual and Household.residual (动态清零)', () => {
  it('computes what remains to a jiaxing person after the partners, and the excess above 30 000 the fund covers', async () => {
    const { data, errors } = await hub.requestText(PERSON, { id: family.members[0]!.id }, { token: civil.token });
    expect(errors).toBeUndefined();
    expect((data as PersonAnswer).person.residual).toMatchObject({
      ruleSet: 'jiaxing-2023',
      visitsCounted: 1,
      outOfPocket: '40000.00',
      partnerPaid: '5000.00',
      residual: '35000.00',
      cap: '30000.00',
      excess: '5000.00',
    });
    expect((data as PersonAnswer).person.residual.explanation.map((s) => s.step)).toEqual([
      'visit',
      'visit',
      'charity',
      'residual',
      'excess',
    ]);
  });

  it('caps the household at 50 000 over the members within their person cap, in three statements', async () => {
    hub.counter.count = 0;
    await hub.requestText(MEMBERS, { id: family.household.id }, { token: insurance.token });
    const without = hub.counter.count;
    hub.counter.count = 0;
    const { data, errors } = await hub.requestText(HOUSEHOLD, { id: family.household.id }, { token: insurance.token });
    expect(errors).toBeUndefined();
    expect(hub.counter.count - without).toBe(3);
    expect((data as HouseholdAnswer).household.residual).toMatchObject({
      residual: '58000.00',
      cap: '50000.00',
      excess: '8000.00',
      fundCovers: '13000.00',
    });
    expect((data as HouseholdAnswer).household.residual.members).toHaveLength(2);
  });

  it('says that no 动态清零 applies outside jiaxing', async () => {
    const { data } = await hub.requestText(PERSON, { id: gansu.id }, {});
    expect((data as PersonAnswer).person.residual).toMatchObject({ ruleSet: null, cap: null, excess: '0.00', visitsCounted: 0 });
    expect((data as PersonAnswer).person.residual.explanation).toEqual([{ step: 'notApplicable', amount: null }]);
  });

  it('denies an agency outside casework: the field is not in its schema', async () => {
    const { data, errors } = await hub.requestText(PERSON, { id: family.members[0]!.id }, { token: health.token });
    expect(data).toBeUndefined();
    expect(errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors![0]!.message).toContain('residual');
  });

  it('answers a person outside the client’s rows as an unknown one', async () => {
    const outside = await hub.requestText(PERSON, { id: family.members[0]!.id }, { token: elsewhere.token });
    const unknown = await hub.requestText(PERSON, { id: '01890000-0000-7000-8000-000000000000' }, { token: elsewhere.token });
    expect(outside).toEqual(unknown);
  });
});
