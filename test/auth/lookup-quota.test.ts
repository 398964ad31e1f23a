import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { certify, createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { refer } from './access.fixture.js';

let hub: TestHub;

const LOOKUP = 'query ($n: String!) { person(idNumber: $n) { id name } }';
const CHECK = `query ($n: String!) { certification(idNumber: $n, category: MINIMUM_LIVING, on: "2024-06-01") { holds validFrom validTo } }`;
const AID = `mutation ($input: CharityAidInput!) { recordCharityAid(input: $input) { id } }`;
const CERTIFY = `mutation ($input: CertificationInput!) { certifyStatus(input: $input) { id } }`;

/** The quota events of a client, as its auditor reads them: the field coordinates each names. */
async function quotaEvents(clientId: string): Promise<string[][]> {
  const auditor = await hub.client('AUDITOR', '');
  const log = await hub.requestText(
    'query ($c: ID!) { auditLog(filter: { clientId: $c, outcome: DENIED }) { edges { node { operationName fields } } } }',
    { c: clientId },
    { token: auditor.token, purpose: 'AUDIT' },
  );
  const entries = (log.data!.auditLog as { edges: { node: { operationName: string; fields: string[] } }[] }).edges.map((e) => e.node);
  return entries.filter((e) => e.operationName === 'security: quota missedIdLookups used up').map((e) => e.fields);
}

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(() => hub.close());

describe('the quota of lookups by ID number that find nothing', () => {
  it('answers null within the quota, then QUOTA_EXCEEDED for every lookup by ID number, and the auditor sees the event', async () => {
    const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    const insurer = await hub.client('INSURER', '6207', undefined, { trustedDocumentsOnly: false, missedIdLookups: 3 });
    await hub.requestText(
      'mutation ($input: SharingGrantInput!) { createInsurerConsent(input: $input) { id } }',
      { input: { personId: person.id, clientId: insurer.clientId, validFrom: '2024-01-01' } },
      { purpose: 'ASSISTANCE_ELIGIBILITY' },
    );
    const lookup = (idNumber: string) => hub.requestText(LOOKUP, { n: idNumber }, { token: insurer.token, purpose: 'CLAIM_COORDINATION' });
    // Guesses: valid numbers of nobody the insurer may see.
    const guesses = [1, 2, 3, 4].map((i) => makeIdNumber('620702', '1960-01-01', 900 + i));
    for (const guess of guesses.slice(0, 3)) expect((await lookup(guess)).data).toEqual({ person: null });
    const over = await lookup(guesses[3]!);
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'missedIdLookups', max: 3 });
    expect(over.data).toEqual({ person: null });
    // The person it may see is refused too, until the day turns: a hit must not reward more guessing.
    const found = await lookup(person.idNumber);
    expect(found.errors![0]!.extensions!.code).toBe('QUOTA_EXCEEDED');
    expect(JSON.stringify(found)).not.toContain(person.id);

    const auditor = await hub.client('AUDITOR', '');
    const log = await hub.requestText(
      'query ($c: ID!) { auditLog(filter: { clientId: $c, outcome: DENIED }) { edges { node { operationName outcome error } } } }',
      { c: insurer.clientId },
      { token: auditor.token, purpose: 'AUDIT' },
    );
    const events = (log.data!.auditLog as { edges: { node: { operationName: string; error: string } }[] }).edges.map((e) => e.node);
    expect(events.filter((e) => e.operationName === 'security: quota missedIdLookups used up')).toHaveLength(1);
  });

  it('lets a casework agency look up many: its quota is its agency’s', async () => {
    const guesses = Array.from({ length: 25 }, (_, i) => makeIdNumber('620702', '1961-01-01', 100 + i));
    for (const guess of guesses) {
      const result = await hub.requestText(LOOKUP, { n: guess });
      expect(result.errors).toBeUndefined();
    }
  });

  it('counts certification checks that find nothing: past the quota even the number that holds is QUOTA_EXCEEDED', async () => {
    const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    await certify(hub.db, person.id, 'MINIMUM_LIVING', '2024-01-01', { validTo: '2024-12-31' });
    const charity = await hub.client('CHARITY', '6207', undefined, { trustedDocumentsOnly: false, missedIdLookups: 3 });
    const check = (idNumber: string) => hub.requestText(CHECK, { n: idNumber }, { token: charity.token, purpose: 'CHARITY_AID' });
    expect((await check(person.idNumber)).data).toEqual({ certification: { holds: true, validFrom: '2024-01-01', validTo: '2024-12-31' } });
    // A guesser's candidates: valid numbers of nobody (or of nobody holding the category).
    const guesses = [1, 2, 3, 4].map((i) => makeIdNumber('620702', '1962-01-01', 900 + i));
    for (const guess of guesses.slice(0, 3)) {
      const none = await check(guess);
      expect(none.errors).toBeUndefined();
      expect(none.data).toEqual({ certification: { holds: false, validFrom: null, validTo: null } });
    }
    const over = await check(guesses[3]!);
    expect(over.status).toBe(200);
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'missedIdLookups', max: 3 });
    expect(over.data ?? null).toBeNull();
    // The number that holds answers no more today: a hit must not reward more guessing.
    const found = await check(person.idNumber);
    expect(found.errors![0]!.extensions!.code).toBe('QUOTA_EXCEEDED');
    expect(JSON.stringify(found)).not.toContain('2024-12-31');
    expect(await quotaEvents(charity.clientId)).toEqual([['Query.certification']]);
  });

  it('is one quota over every way of naming a person by ID number: person, certification and writes by idNumber', async () => {
    const referred = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    const civil = await hub.client('CIVIL_AFFAIRS');
    const charity = await hub.client('CHARITY', '6207', undefined, { trustedDocumentsOnly: false, missedIdLookups: 2 });
    await refer(hub.db, referred.id, charity.clientId, civil.clientId);
    const as = { token: charity.token, purpose: 'CHARITY_AID' };
    const aid = (idNumber: string, reference: string) =>
      hub.requestText(AID, { input: { idNumber, amount: '10.00', paidOn: '2024-04-01', reference } }, as);
    const guesses = [1, 2, 3].map((i) => makeIdNumber('620702', '1963-01-01', 900 + i));

    expect((await hub.requestText(CHECK, { n: guesses[0] }, as)).data).toMatchObject({ certification: { holds: false } });
    const miss = await aid(guesses[1]!, 'Q-1');
    expect(miss.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'input.idNumber' });
    // Two misses through two fields: the third lookup, through a third field, meets the one quota.
    const over = await hub.requestText(LOOKUP, { n: guesses[2] }, as);
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', max: 2 });
    // A write naming the referred person by number is refused too, and stores nothing.
    const refused = await aid(referred.idNumber, 'Q-2');
    expect(refused.errors![0]!.extensions!.code).toBe('QUOTA_EXCEEDED');
    expect(await hub.db.charityAid.count({ where: { clientId: charity.clientId } })).toBe(0);
    // By id the charity still records what it pays: the quota guards lookups by number only.
    const byId = await hub.requestText(
      AID,
      { input: { personId: referred.id, amount: '10.00', paidOn: '2024-04-01', reference: 'Q-3' } },
      as,
    );
    expect(byId.errors).toBeUndefined();
    expect(await quotaEvents(charity.clientId)).toEqual([['Query.person']]);
  });

  it('counts a certification naming by idNumber a person outside the writer’s rows', async () => {
    const civil = await hub.client('CIVIL_AFFAIRS', '6207', undefined, { missedIdLookups: 1 });
    const input = (idNumber: string, documentNo: string) => ({
      idNumber,
      category: 'MINIMUM_LIVING',
      class: 1,
      documentNo,
      validFrom: '2024-03-01',
    });
    const certifyStatus = (idNumber: string, documentNo: string) =>
      hub.requestText(CERTIFY, { input: input(idNumber, documentNo) }, { token: civil.token });
    const miss = await certifyStatus(makeIdNumber('620702', '1964-01-01', 901), 'QC-1');
    expect(miss.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'input.idNumber' });
    const over = await certifyStatus(makeIdNumber('620702', '1964-01-01', 902), 'QC-2');
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', max: 1 });
    expect(await quotaEvents(civil.clientId)).toEqual([['Mutation.certifyStatus']]);
  });
});
