import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certify, createHousehold, recordBenefit } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { consent, refer } from '../../auth/access.fixture.js';

let hub: TestHub;
let referred: { id: string; idNumber: string };
let notReferred: { id: string; idNumber: string };
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let charity: { clientId: string; token: string };
let otherCharity: { clientId: string; token: string };
let insurer: { clientId: string; token: string };

const AID = `mutation ($input: CharityAidInput!) { recordCharityAid(input: $input) { id personId amount paidOn reference claimId note } }`;
const CLAIM = `mutation ($input: CommercialClaimInput!) { recordCommercialClaim(input: $input) { id personId amount paidOn claimReference relatedClaimId } }`;
const BURDEN = `query ($id: ID) { person(id: $id) { burden(year: 2024) { outOfPocket charityPaid commercialPaid remaining } } }`;
const PAYMENTS = `query ($id: ID) { person(id: $id) { charityAid(year: 2024) { reference amount } commercialClaims(year: 2024) { claimReference amount } } }`;
const REFERRALS = `query ($first: Int, $after: String) { referrals(first: $first, after: $after) { totalCount edges { node { personId clientId } } pageInfo { hasNextPage endCursor } } }`;
const CONSENTS = `query { consents { totalCount edges { node { personId } } } }`;
const CHECK = `query ($n: String!, $c: AssistanceCategory!, $on: Date!) { certification(idNumber: $n, category: $c, on: $on) { holds validFrom validTo } }`;

const asCharity = { token: '', purpose: 'CHARITY_AID' };
const asInsurer = { token: '', purpose: 'CLAIM_COORDINATION' };

beforeAll(async () => {
  hub = await startTestHub();
  const family = await createHousehold(hub.db, '620702', 2);
  referred = family.members[0]!;
  notReferred = family.members[1]!;
  insurance = await hub.client('MEDICAL_INSURANCE');
  civil = await hub.client('CIVIL_AFFAIRS');
  charity = await hub.client('CHARITY');
  otherCharity = await hub.client('CHARITY');
  insurer = await hub.client('INSURER');
  asCharity.token = charity.token;
  asInsurer.token = insurer.token;
  await refer(hub.db, referred.id, charity.clientId, civil.clientId);
  await refer(hub.db, referred.id, otherCharity.clientId, civil.clientId);
  await consent(hub.db, referred.id, insurer.clientId, insurance.clientId);
  await recordBenefit(hub.db, referred.id, 'P-1', '2024-03-01', { total: '20000.00', oop: '9000.00' });
  await certify(hub.db, referred.id, 'MINIMUM_LIVING', '2024-01-01', { validTo: '2024-12-31' });
});

afterAll(() => hub.close());

describe('recordCharityAid and recordCommercialClaim', () => {
  it('records a charity’s aid to a referred person once per reference, and shows it in the burden and what remains', async () => {
    const input = {
      personId: referred.id,
      amount: '3000.00',
      paidOn: '2024-04-01',
      reference: 'RC-2024-001',
      claimId: 'P-1',
      note: '红十字会大病救助',
    };
    const first = await hub.requestText(AID, { input }, asCharity);
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordCharityAid).toMatchObject({
      amount: '3000.00',
      paidOn: '2024-04-01',
      reference: 'RC-2024-001',
      claimId: 'P-1',
    });
    const again = await hub.requestText(AID, { input }, asCharity);
    expect(again.data!.recordCharityAid).toEqual(first.data!.recordCharityAid);
    expect(await hub.db.charityAid.count()).toBe(1);
    const conflict = await hub.requestText(AID, { input: { ...input, amount: '3500.00' } }, asCharity);
    expect(conflict.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', argument: 'input.reference' });

    const claim = await hub.requestText(
      CLAIM,
      {
        input: {
          idNumber: referred.idNumber,
          claimReference: 'JX-DBWY-77',
          paidOn: '2024-05-01',
          amount: '2500.50',
          relatedClaimId: 'P-1',
        },
      },
      asInsurer,
    );
    expect(claim.data!.recordCommercialClaim).toMatchObject({ personId: referred.id, amount: '2500.50', claimReference: 'JX-DBWY-77' });

    const burden = await hub.requestText(BURDEN, { id: referred.id }, { token: insurance.token });
    expect(burden.data!.person).toEqual({
      burden: { outOfPocket: '9000.00', charityPaid: '3000.00', commercialPaid: '2500.50', remaining: '3499.50' },
    });
    const audit = await hub.pool.query(`SELECT outcome, person_ids FROM audit_entry WHERE client_id = $1 ORDER BY seq`, [charity.clientId]);
    expect(audit.rows[0]).toEqual({ outcome: 'SUCCESS', person_ids: [referred.id] });
  });

  it('answers NOT_FOUND for a person outside the partner’s referrals or consents, as for an unknown one', async () => {
    const outside = await hub.requestText(
      AID,
      { input: { personId: notReferred.id, amount: '10.00', paidOn: '2024-04-01', reference: 'RC-X' } },
      asCharity,
    );
    const unknown = await hub.requestText(
      AID,
      { input: { personId: '01890000-0000-7000-8000-000000000000', amount: '10.00', paidOn: '2024-04-01', reference: 'RC-X' } },
      asCharity,
    );
    expect(outside.errors![0]).toMatchObject({
      message: 'no person with this id',
      extensions: { code: 'NOT_FOUND', argument: 'input.personId' },
    });
    expect(unknown.errors![0]!.message).toBe(outside.errors![0]!.message);
    const claim = await hub.requestText(
      CLAIM,
      { input: { idNumber: notReferred.idNumber, claimReference: 'X', paidOn: '2024-05-01', amount: '1.00' } },
      asInsurer,
    );
    expect(claim.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', argument: 'input.idNumber' });
    expect(await hub.db.charityAid.count({ where: { reference: 'RC-X' } })).toBe(0);
  });

  it('is a write of the partner alone: the casework agencies and the insurer have no recordCharityAid', async () => {
    for (const token of [insurance.token, civil.token, insurer.token]) {
      const result = await hub.requestText(
        AID,
        { input: { personId: referred.id, amount: '1.00', paidOn: '2024-04-01', reference: 'N' } },
        { token },
      );
      expect(result.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const byCharity = await hub.requestText(
      CLAIM,
      { input: { personId: referred.id, claimReference: 'N', paidOn: '2024-04-01', amount: '1.00' } },
      asCharity,
    );
    expect(byCharity.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses bad amounts and dates naming the field', async () => {
    const base = { personId: referred.id, paidOn: '2024-04-01', reference: 'RC-BAD', amount: '10.00' };
    for (const [input, argument] of [
      [{ ...base, amount: '0.00' }, 'input.amount'],
      [{ ...base, amount: '-5.00' }, 'input.amount'],
      [{ ...base, paidOn: '2999-01-01' }, 'input.paidOn'],
      [{ ...base, reference: '' }, 'input.reference'],
      [{ ...base, idNumber: referred.idNumber }, 'input.idNumber'],
    ] as const) {
      const result = await hub.requestText(AID, { input }, asCharity);
      expect(result.errors![0]!.extensions, argument).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
  });

  it('shows a partner its own payments only, and the casework agencies all of them', async () => {
    await hub.requestText(
      AID,
      { input: { personId: referred.id, amount: '100.00', paidOn: '2024-06-01', reference: 'OTHER-1' } },
      {
        token: otherCharity.token,
        purpose: 'CHARITY_AID',
      },
    );
    const own = await hub.requestText(
      `query ($id: ID) { person(id: $id) { charityAid(year: 2024) { reference amount } } }`,
      { id: referred.id },
      asCharity,
    );
    expect(own.data!.person).toEqual({ charityAid: [{ reference: 'RC-2024-001', amount: '3000.00' }] });
    const all = await hub.requestText(PAYMENTS, { id: referred.id }, { token: civil.token });
    expect(all.data!.person).toEqual({
      charityAid: [
        { reference: 'OTHER-1', amount: '100.00' },
        { reference: 'RC-2024-001', amount: '3000.00' },
      ],
      commercialClaims: [{ claimReference: 'JX-DBWY-77', amount: '2500.50' }],
    });
  });
});

describe('referrals, consents and the certification check', () => {
  it('lists a charity’s active referrals and an insurer’s consents, its own only', async () => {
    const mine = await hub.requestText(REFERRALS, { first: 1 }, asCharity);
    expect(mine.data!.referrals).toMatchObject({ totalCount: 1, edges: [{ node: { personId: referred.id, clientId: charity.clientId } }] });
    const consents = await hub.requestText(CONSENTS, {}, asInsurer);
    expect(consents.data!.consents).toMatchObject({ totalCount: 1, edges: [{ node: { personId: referred.id } }] });
    const notForInsurer = await hub.requestText(REFERRALS, {}, asInsurer);
    expect(notForInsurer.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers holds and validity and nothing else, alike for an unknown number and one without the category, audited', async () => {
    const held = await hub.requestText(CHECK, { n: referred.idNumber, c: 'MINIMUM_LIVING', on: '2024-06-01' }, asInsurer);
    expect(held.data!.certification).toEqual({ holds: true, validFrom: '2024-01-01', validTo: '2024-12-31' });
    const after = await hub.requestText(CHECK, { n: referred.idNumber, c: 'MINIMUM_LIVING', on: '2025-01-01' }, asCharity);
    const other = await hub.requestText(CHECK, { n: notReferred.idNumber, c: 'MINIMUM_LIVING', on: '2024-06-01' }, asCharity);
    const unknown = await hub.requestText(CHECK, { n: '620702199001010014', c: 'MINIMUM_LIVING', on: '2024-06-01' }, asCharity);
    const none = { holds: false, validFrom: null, validTo: null };
    expect([after.data!.certification, other.data!.certification]).toEqual([none, none]);
    expect(unknown.data!.certification).toEqual(none);
    const bad = await hub.requestText(CHECK, { n: '62070219900101001X', c: 'MINIMUM_LIVING', on: '2024-06-01' }, asCharity);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber' });
    const { rows } = await hub.pool.query(`SELECT person_ids, fields FROM audit_entry WHERE client_id = $1 ORDER BY seq DESC LIMIT 1`, [
      insurer.clientId,
    ]);
    expect(rows.length).toBe(1);
    const audit = await hub.pool.query(
      `SELECT person_ids FROM audit_entry WHERE client_id = $1 AND 'CertificationCheck.holds' = ANY(fields)`,
      [insurer.clientId],
    );
    expect(audit.rows).toEqual([{ person_ids: [referred.id] }]);
    const forbidden = await hub.requestText(
      CHECK,
      { n: referred.idNumber, c: 'MINIMUM_LIVING', on: '2024-06-01' },
      { token: (await hub.client('HEALTH')).token, purpose: 'MONITORING_FOLLOW_UP' },
    );
    expect(forbidden.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
