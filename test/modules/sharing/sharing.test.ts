import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let personId: string;
let outsider: string;
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let charity: { clientId: string; token: string };
let insurer: { clientId: string; token: string };

const REFER = `mutation ($input: SharingGrantInput!) { createCharityReferral(input: $input) { id personId clientId purpose validFrom validTo revokedAt } }`;
const END_REFERRAL = `mutation ($id: ID!) { endCharityReferral(id: $id) { id revokedAt } }`;
const CONSENT = `mutation ($input: SharingGrantInput!) { createInsurerConsent(input: $input) { id purpose } }`;
const LOOKUP = `query ($id: ID) { person(id: $id) { id name } }`;

beforeAll(async () => {
  hub = await startTestHub();
  personId = (await createHousehold(hub.db, '620702', 1)).members[0]!.id;
  outsider = (await createHousehold(hub.db, '330402', 1)).members[0]!.id;
  insurance = await hub.client('MEDICAL_INSURANCE');
  civil = await hub.client('CIVIL_AFFAIRS');
  charity = await hub.client('CHARITY');
  insurer = await hub.client('INSURER');
});

afterAll(() => hub.close());

const asCharity = () => hub.requestText(LOOKUP, { id: personId }, { token: charity.token, purpose: 'CHARITY_AID' });

describe('referrals and consents', () => {
  it('lets civil affairs refer a person to a charity, which then sees the person masked, until the referral ends', async () => {
    expect((await asCharity()).data).toEqual({ person: null });
    const referred = await hub.requestText(
      REFER,
      { input: { personId, clientId: charity.clientId, validFrom: '2024-01-01' } },
      { token: civil.token },
    );
    expect(referred.errors).toBeUndefined();
    const grant = referred.data!.createCharityReferral as { id: string; purpose: string; revokedAt: string | null };
    expect(grant).toMatchObject({ personId, clientId: charity.clientId, purpose: 'CHARITY_AID', validTo: null, revokedAt: null });
    const seen = (await asCharity()).data!.person as { id: string; name: string };
    expect(seen.id).toBe(personId);
    expect(seen.name).toMatch(/^测\*+$/);

    const ended = await hub.requestText(END_REFERRAL, { id: grant.id }, { token: insurance.token });
    expect((ended.data!.endCharityReferral as { revokedAt: string }).revokedAt).not.toBeNull();
    expect((await asCharity()).data).toEqual({ person: null });
  });

  it('lets medical insurance record a consent for an insurer; civil affairs has no such write', async () => {
    const consent = await hub.requestText(
      CONSENT,
      { input: { personId, clientId: insurer.clientId, validFrom: '2024-01-01' } },
      { token: insurance.token },
    );
    expect(consent.data!.createInsurerConsent).toMatchObject({ purpose: 'CLAIM_COORDINATION' });
    const seen = await hub.requestText(LOOKUP, { id: personId }, { token: insurer.token, purpose: 'CLAIM_COORDINATION' });
    expect((seen.data!.person as { id: string }).id).toBe(personId);

    const refused = await hub.requestText(
      CONSENT,
      { input: { personId, clientId: insurer.clientId, validFrom: '2024-01-01' } },
      { token: civil.token },
    );
    expect(refused.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a referral to a client that is not a charity, naming the input field', async () => {
    const result = await hub.requestText(
      REFER,
      { input: { personId, clientId: insurer.clientId, validFrom: '2024-01-01' } },
      { token: civil.token },
    );
    expect(result.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.clientId' });
  });

  it('answers NOT_FOUND alike for a person outside the writer’s rows and for an unknown one', async () => {
    const outside = await hub.requestText(
      REFER,
      { input: { personId: outsider, clientId: charity.clientId, validFrom: '2024-01-01' } },
      { token: civil.token },
    );
    const unknown = await hub.requestText(
      REFER,
      { input: { personId: '01890000-0000-7000-8000-000000000000', clientId: charity.clientId, validFrom: '2024-01-01' } },
      { token: civil.token },
    );
    expect(outside.errors![0]).toMatchObject({
      message: 'no person with this id',
      extensions: { code: 'NOT_FOUND', argument: 'input.personId' },
    });
    expect(unknown.errors![0]!.message).toBe(outside.errors![0]!.message);
    expect(await hub.db.charityReferral.count({ where: { personId: outsider } })).toBe(0);
  });

  it('audits a write in the same transaction, and a refused write as a failure', async () => {
    await hub.requestText(REFER, { input: { personId, clientId: charity.clientId, validFrom: '2024-02-01' } }, { token: civil.token });
    const { rows } = await hub.pool.query(`SELECT outcome, person_ids, client_id FROM audit_entry ORDER BY seq DESC LIMIT 1`);
    expect(rows[0]).toEqual({ outcome: 'SUCCESS', person_ids: [personId], client_id: civil.clientId });

    await hub.requestText(
      REFER,
      { input: { personId: outsider, clientId: charity.clientId, validFrom: '2024-01-01' } },
      { token: civil.token },
    );
    const last = await hub.pool.query(`SELECT outcome, error FROM audit_entry ORDER BY seq DESC LIMIT 1`);
    expect(last.rows[0]).toEqual({ outcome: 'FAILED', error: 'no person with this id' });
  });
});
