import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { certify } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { consent, createPerson, daysFromToday, errorCodes, ownPurpose, PERSON_READERS, refer } from './access.fixture.js';

type Reader = (typeof PERSON_READERS)[number];
type PersonRow = Awaited<ReturnType<typeof createPerson>>;

const MI = 'MEDICAL_INSURANCE';
const CA = 'CIVIL_AFFAIRS';
const RR = 'RURAL_REVITALIZATION';
const HE = 'HEALTH';
const CH = 'CHARITY';
const IN = 'INSURER';
const AU = 'AUDITOR';

/**
 * The fixture's persons and, transcribed from access-policy.md §2, which
 * agencies' clients of jurisdiction 6207 see each of them.
 */
const ROWS = {
  inScope: [MI, CA, RR, HE, CH, IN, AU], // 620702 rural, monitored, referred and consented: everyone's
  otherRegion: [], // 330402 rural, monitored: nobody's in 6207
  urban: [MI, CA, HE, AU], // 620702 urban, monitored
  unmonitored: [MI, CA, RR, AU], // 620702 rural, MINIMUM_LIVING only, no referral, no consent
  monitoredRevoked: [MI, CA, RR, AU], // its only AT_RISK_MONITORED status revoked
  monitoredExpired: [MI, CA, RR, AU], // its only AT_RISK_MONITORED status ended
  grantsRevoked: [MI, CA, RR, AU], // referral and consent revoked
  grantsExpired: [MI, CA, RR, AU], // referral and consent with validTo in the past
  grantsNotYet: [MI, CA, RR, AU], // referral and consent valid from next month
  grantsToOthers: [MI, CA, RR, AU], // referred to another charity, consented to another insurer
  mixedRural: [MI, CA, RR, AU], // the rural member of a household of 620702 with an urban member
  mixedUrban: [MI, CA, AU], // its urban member
  urbanOnly: [MI, CA, AU], // the only member of an urban household of 620702
  outMember: [], // the only member of a household of 330402
} satisfies Record<string, Reader[]>;
type Key = keyof typeof ROWS;

let hub: TestHub;
const people = {} as Record<Key, PersonRow>;
const households = {} as Record<'mixed' | 'urbanOnly' | 'out', string>;
const clients = new Map<string, { clientId: string; token: string }>();

const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000';
const UNKNOWN_ID_NUMBER = makeIdNumber('620702', '1949-10-01', 998);

beforeAll(async () => {
  hub = await startTestHub();
  for (const agency of PERSON_READERS) clients.set(agency, await hub.client(agency, '6207'));
  for (const agency of ['FINANCE', 'ANALYST', 'HUB_ADMIN'] as const) clients.set(agency, await hub.client(agency, '6207'));
  for (const agency of [MI, CA, RR, HE, AU] as const) clients.set(`${agency}@country`, await hub.client(agency, ''));
  clients.set('CHARITY@other', await hub.client('CHARITY', '6207'));
  clients.set('INSURER@other', await hub.client('INSURER', '6207'));
  const by = clients.get(MI)!.clientId;
  const charity = clients.get(CH)!.clientId;
  const insurer = clients.get(IN)!.clientId;

  const rural620702 = () => createPerson(hub.db, { regionCode: '620702', residence: 'RURAL' });
  people.inScope = await rural620702();
  people.otherRegion = await createPerson(hub.db, { regionCode: '330402', residence: 'RURAL' });
  people.urban = await createPerson(hub.db, { regionCode: '620702', residence: 'URBAN' });
  for (const key of ['inScope', 'otherRegion', 'urban'] as const) await certify(hub.db, people[key].id, 'AT_RISK_MONITORED', '2023-01-01');
  await certify(hub.db, people.inScope.id, 'MINIMUM_LIVING', '2023-01-01');
  await refer(hub.db, people.inScope.id, charity, by);
  await consent(hub.db, people.inScope.id, insurer, by);

  people.unmonitored = await rural620702();
  await certify(hub.db, people.unmonitored.id, 'MINIMUM_LIVING', '2023-01-01');
  people.monitoredRevoked = await rural620702();
  await certify(hub.db, people.monitoredRevoked.id, 'AT_RISK_MONITORED', '2023-01-01', { revokedAt: '2024-03-01T08:00:00Z' });
  people.monitoredExpired = await rural620702();
  await certify(hub.db, people.monitoredExpired.id, 'AT_RISK_MONITORED', '2020-01-01', { validTo: '2023-12-31' });

  people.grantsRevoked = await rural620702();
  await refer(hub.db, people.grantsRevoked.id, charity, by, { revokedAt: '2024-05-01T08:00:00Z' });
  await consent(hub.db, people.grantsRevoked.id, insurer, by, { revokedAt: '2024-05-01T08:00:00Z' });
  people.grantsExpired = await rural620702();
  await refer(hub.db, people.grantsExpired.id, charity, by, { validTo: '2024-06-30' });
  await consent(hub.db, people.grantsExpired.id, insurer, by, { validTo: daysFromToday(-1) });
  people.grantsNotYet = await rural620702();
  await refer(hub.db, people.grantsNotYet.id, charity, by, { validFrom: daysFromToday(30) });
  await consent(hub.db, people.grantsNotYet.id, insurer, by, { validFrom: daysFromToday(30) });
  people.grantsToOthers = await rural620702();
  await refer(hub.db, people.grantsToOthers.id, clients.get('CHARITY@other')!.clientId, by);
  await consent(hub.db, people.grantsToOthers.id, clients.get('INSURER@other')!.clientId, by);

  // Members of one household share a residence in practice; these are made apart on purpose.
  const mixed = await hub.db.household.create({ data: { regionCode: '620702' } });
  households.mixed = mixed.id;
  people.mixedRural = await createPerson(hub.db, { regionCode: '620702', residence: 'RURAL', householdId: mixed.id });
  people.mixedUrban = await createPerson(hub.db, { regionCode: '620702', residence: 'URBAN', householdId: mixed.id });
  const urbanOnly = await hub.db.household.create({ data: { regionCode: '620702' } });
  households.urbanOnly = urbanOnly.id;
  people.urbanOnly = await createPerson(hub.db, { regionCode: '620702', residence: 'URBAN', householdId: urbanOnly.id });
  const out = await hub.db.household.create({ data: { regionCode: '330402' } });
  households.out = out.id;
  people.outMember = await createPerson(hub.db, { regionCode: '330402', residence: 'RURAL', householdId: out.id });
});

afterAll(() => hub?.close());

/** A request as a client of `agency` (`AGENCY@country`: of the whole country), with the agency's own purpose. */
function as(client: string, query: string, variables: Record<string, unknown> = {}) {
  const agency = client.split('@')[0] as Agency;
  return hub.requestText(query, variables, { token: clients.get(client)!.token, purpose: ownPurpose(agency) });
}

const BY_ID = 'query ById($id: ID!) { person(id: $id) { id idNumber } }';
const BY_ID_NUMBER = 'query ByIdNumber($idNumber: String!) { person(idNumber: $idNumber) { id idNumber } }';
const LIST = 'query List($filter: PersonFilter) { persons(filter: $filter, first: 100) { totalCount edges { node { id } } } }';
const HOUSEHOLD = 'query Household($id: ID!) { household(id: $id) { id members { id } } }';
const PERSON_HOUSEHOLD = 'query PersonHousehold($id: ID!) { person(id: $id) { household { id members { id } } } }';

/** `client`'s answers to a lookup of `key` by id and by ID number. */
async function lookups(client: string, key: Key) {
  return [await as(client, BY_ID, { id: people[key].id }), await as(client, BY_ID_NUMBER, { idNumber: people[key].idNumber })];
}

/** Asserts that `client` sees nothing of `key`: null lookups with no error, exactly as for persons who do not exist, and no list entry. */
async function expectInvisible(client: string, key: Key) {
  const [byId, byIdNumber] = await lookups(client, key);
  const [unknownById, unknownByIdNumber] = [
    await as(client, BY_ID, { id: UNKNOWN_ID }),
    await as(client, BY_ID_NUMBER, { idNumber: UNKNOWN_ID_NUMBER }),
  ];
  expect(byId, `${client} by id`).toEqual({ status: 200, data: { person: null } });
  expect(byIdNumber, `${client} by ID number`).toEqual({ status: 200, data: { person: null } });
  expect(byId).toEqual(unknownById);
  expect(byIdNumber).toEqual(unknownByIdNumber);
  const list = await as(client, LIST);
  const ids = (list.data!.persons as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);
  expect(ids, `${client} list`).not.toContain(people[key].id);
}

/** Asserts that `client` finds `key` by id, by ID number and in its list. */
async function expectVisible(client: string, key: Key) {
  for (const answer of await lookups(client, key)) {
    expect(answer.errors, client).toBeUndefined();
    expect((answer.data!.person as { id: string } | null)?.id, `${client} ${key}`).toBe(people[key].id);
  }
  const list = await as(client, LIST);
  expect((list.data!.persons as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id)).toContain(people[key].id);
}

describe('rows of access-policy.md §2: a person outside a client’s rows does not exist for it', () => {
  it.each(PERSON_READERS)(
    'gives %s null, with no error, for a person of another region, by id and by ID number, as for a person who does not exist',
    async (agency) => {
      await expectVisible(agency, 'inScope');
      await expectInvisible(agency, 'otherRegion');
    },
  );

  it.each(PERSON_READERS)('lists and counts for %s exactly the persons of its rows', async (agency) => {
    const { data, errors } = await as(agency, LIST);
    expect(errors).toBeUndefined();
    const persons = data!.persons as { totalCount: number; edges: { node: { id: string } }[] };
    const expected = (Object.keys(ROWS) as Key[]).filter((key) => (ROWS[key] as readonly string[]).includes(agency));
    const byId = new Map((Object.keys(people) as Key[]).map((key) => [people[key].id, key]));
    expect(persons.edges.map((e) => byId.get(e.node.id)).sort()).toEqual(expected.sort());
    expect(persons.totalCount).toBe(expected.length);
  });

  it.each(PERSON_READERS)(
    'finds for %s nobody when it filters on the prefix of another region, in the list or in the count',
    async (agency) => {
      const { data, errors } = await as(agency, LIST, { filter: { regionPrefix: '3304' } });
      expect(errors).toBeUndefined();
      expect(data).toEqual({ persons: { totalCount: 0, edges: [] } });
    },
  );

  it.each(['FINANCE', 'ANALYST', 'HUB_ADMIN'])('gives %s no person query at all, so no row of a person reaches it', async (agency) => {
    for (const answer of await lookups(agency, 'inScope')) {
      expect(errorCodes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(answer.data).toBeUndefined();
    }
    const list = await as(agency, LIST);
    expect(new Set(errorCodes(list))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(list.data).toBeUndefined();
  });

  it('does not show RURAL_REVITALIZATION an urban person of its own jurisdiction', async () => {
    await expectVisible(MI, 'urban');
    await expectInvisible(RR, 'urban');
  });

  it('does not show HEALTH a person who holds no monitored status', async () => {
    await expectInvisible(HE, 'unmonitored');
  });

  it('does not show HEALTH a person whose only monitored status is revoked', async () => {
    await expectInvisible(HE, 'monitoredRevoked');
  });

  it('does not show HEALTH a person whose only monitored status has ended', async () => {
    await expectInvisible(HE, 'monitoredExpired');
  });

  it('does not show CHARITY a person who was not referred to it, even by full ID number', async () => {
    await expectInvisible(CH, 'unmonitored');
    await expectInvisible(CH, 'grantsToOthers');
  });

  it('does not show CHARITY a person whose referral was revoked', async () => {
    await expectInvisible(CH, 'grantsRevoked');
  });

  it('does not show CHARITY a person whose referral ended (validTo in the past) or has not begun', async () => {
    await expectInvisible(CH, 'grantsExpired');
    await expectInvisible(CH, 'grantsNotYet');
  });

  it('does not show INSURER a person who did not consent to share with it, even by full ID number', async () => {
    await expectInvisible(IN, 'unmonitored');
    await expectInvisible(IN, 'grantsToOthers');
  });

  it('does not show INSURER a person whose consent was revoked', async () => {
    await expectInvisible(IN, 'grantsRevoked');
  });

  it('does not show INSURER a person whose consent ended (validTo in the past) or has not begun', async () => {
    await expectInvisible(IN, 'grantsExpired');
    await expectInvisible(IN, 'grantsNotYet');
  });

  it('lets CHARITY and INSURER look up a person they serve by full ID number, and still shows it masked', async () => {
    for (const agency of [CH, IN]) {
      const { data, errors } = await as(agency, BY_ID_NUMBER, { idNumber: people.inScope.idNumber });
      expect(errors).toBeUndefined();
      const idNumber = people.inScope.idNumber;
      expect(data).toEqual({ person: { id: people.inScope.id, idNumber: `${idNumber.slice(0, 6)}***********${idNumber.slice(-1)}` } });
    }
  });

  it.each([MI, CA, RR, HE, AU])('shows a %s client of the whole country (jurisdiction "") persons of both regions', async (agency) => {
    const client = `${agency}@country`;
    await expectVisible(client, 'inScope');
    await expectVisible(client, 'otherRegion');
    const { data } = await as(client, LIST, { filter: { regionPrefix: '3304' } });
    expect((data!.persons as { totalCount: number }).totalCount).toBe(agency === HE ? 1 : 2);
  });

  it.each([MI, CA, RR])('gives %s null, with no error, for a household of another region', async (agency) => {
    const answer = await as(agency, HOUSEHOLD, { id: households.out });
    expect(answer).toEqual({ status: 200, data: { household: null } });
    expect(answer).toEqual(await as(agency, HOUSEHOLD, { id: UNKNOWN_ID }));
  });

  it('gives RURAL_REVITALIZATION null for a household of its jurisdiction whose members are all urban', async () => {
    expect(await as(MI, HOUSEHOLD, { id: households.urbanOnly })).toEqual({
      status: 200,
      data: { household: { id: households.urbanOnly, members: [{ id: people.urbanOnly.id }] } },
    });
    expect(await as(RR, HOUSEHOLD, { id: households.urbanOnly })).toEqual({ status: 200, data: { household: null } });
  });

  it('leaves the urban member out of the members RURAL_REVITALIZATION sees of a mixed household, by household and by person', async () => {
    const both = [people.mixedRural.id, people.mixedUrban.id].sort();
    const mi = await as(MI, HOUSEHOLD, { id: households.mixed });
    expect((mi.data!.household as { members: { id: string }[] }).members.map((m) => m.id).sort()).toEqual(both);

    expect(await as(RR, HOUSEHOLD, { id: households.mixed })).toEqual({
      status: 200,
      data: { household: { id: households.mixed, members: [{ id: people.mixedRural.id }] } },
    });
    expect(await as(RR, PERSON_HOUSEHOLD, { id: people.mixedRural.id })).toEqual({
      status: 200,
      data: { person: { household: { id: households.mixed, members: [{ id: people.mixedRural.id }] } } },
    });
    expect(await as(RR, PERSON_HOUSEHOLD, { id: people.mixedUrban.id })).toEqual({ status: 200, data: { person: null } });
  });
});
