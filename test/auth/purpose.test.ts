import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPurpose } from '../../src/auth/purpose.js';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { certify, createHousehold } from '../support/factory.js';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.js';
import { ALL_PURPOSES, consent, DOCUMENTED_PURPOSES, errorCodes, PERSON_READERS, refer } from './access.fixture.js';

let hub: TestHub;
let person: { id: string; name: string };
const clients = new Map<string, { clientId: string; token: string }>();

const READ = 'query ReadPerson($id: ID!) { person(id: $id) { id name } }';

// The tables that hold personal data; a refused request must send no statement naming any of them.
const PERSONAL_TABLES = /\b(person|household|household_status|enrollment|benefit_record|charity_referral|consent)\b/;

beforeAll(async () => {
  hub = await startTestHub();
  const family = await createHousehold(hub.db, '620702', 1);
  person = family.members[0]!;
  // In the rows of every agency that reads persons: monitored (HEALTH), referred (CHARITY), consented (INSURER).
  await certify(hub.db, person.id, 'AT_RISK_MONITORED', '2023-01-01');
  for (const agency of PERSON_READERS) clients.set(agency, await hub.client(agency, '6207'));
  clients.set('MEDICAL_INSURANCE:SETTLEMENT', await hub.client('MEDICAL_INSURANCE', '6207', ['SETTLEMENT']));
  clients.set('HUB_ADMIN', await hub.client('HUB_ADMIN', '', []));
  await refer(hub.db, person.id, clients.get('CHARITY')!.clientId, clients.get('MEDICAL_INSURANCE')!.clientId);
  await consent(hub.db, person.id, clients.get('INSURER')!.clientId, clients.get('MEDICAL_INSURANCE')!.clientId);
});

afterAll(() => hub?.close());

function read(client: string, purpose: string | null) {
  return hub.requestText(READ, { id: person.id }, { token: clients.get(client)!.token, purpose });
}

/** The last audit entry. */
async function lastEntry() {
  const { rows } = await hub.pool.query<{
    outcome: string;
    purpose: string | null;
    client_id: string;
    person_ids: string[];
    fields: string[];
  }>(
    'SELECT outcome, purpose::text AS purpose, client_id::text AS client_id, person_ids::text[] AS person_ids, fields FROM audit_entry ORDER BY seq DESC LIMIT 1',
  );
  return rows[0]!;
}

async function entryCount(): Promise<number> {
  const { rows } = await hub.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_entry');
  return Number(rows[0]!.n);
}

/** Sends a request and returns its answer and the SQL statements it caused. */
async function traced(send: () => Promise<GraphQLResponse<Record<string, unknown>>>) {
  hub.counter.count = 0;
  hub.counter.statements.length = 0;
  const answer = await send();
  return { answer, statements: [...hub.counter.statements] };
}

// The refusals of access-policy.md §3, each with the code it must be refused with.
const REFUSALS: { name: string; client: string; purpose: string | null; code: string }[] = [
  { name: 'no X-Purpose', client: 'MEDICAL_INSURANCE', purpose: null, code: 'BAD_USER_INPUT' },
  { name: 'another agency’s purpose', client: 'CIVIL_AFFAIRS', purpose: 'SETTLEMENT', code: 'FORBIDDEN' },
  { name: 'an unknown purpose', client: 'MEDICAL_INSURANCE', purpose: 'MARKETING', code: 'FORBIDDEN' },
  { name: 'an unregistered purpose', client: 'MEDICAL_INSURANCE:SETTLEMENT', purpose: 'MONITORING_FOLLOW_UP', code: 'FORBIDDEN' },
];

describe('purposes of access-policy.md §3', () => {
  it('refuses a request on personal data that declares no purpose with BAD_USER_INPUT naming X-Purpose, and returns no data', async () => {
    const answer = await read('MEDICAL_INSURANCE', null);
    expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.errors![0]!.extensions!.argument).toBe('X-Purpose');
    expect(answer.data ?? null).toBeNull();
  });

  it('refuses with FORBIDDEN a purpose of another agency: a CIVIL_AFFAIRS client declaring SETTLEMENT', async () => {
    const answer = await read('CIVIL_AFFAIRS', 'SETTLEMENT');
    expect(errorCodes(answer)).toEqual(['FORBIDDEN']);
    expect(answer.data ?? null).toBeNull();
  });

  it('refuses with FORBIDDEN a purpose that is no purpose of the policy', async () => {
    for (const purpose of ['MARKETING', 'settlement', 'SETTLEMENT, AUDIT']) {
      const answer = await read('MEDICAL_INSURANCE', purpose);
      expect(errorCodes(answer), purpose).toEqual(['FORBIDDEN']);
      expect(answer.data ?? null).toBeNull();
    }
  });

  it('names the purposes the client may declare when it declares none', async () => {
    const answer = await read('MEDICAL_INSURANCE:SETTLEMENT', null);
    expect(answer.errors![0]!.message).toBe(
      "declare the purpose of this request in the X-Purpose header (this client's purposes: SETTLEMENT)",
    );
  });

  it('refuses with FORBIDDEN a purpose of its agency that the client was not registered for, listing those it was, and allows the one it was', async () => {
    const refused = await read('MEDICAL_INSURANCE:SETTLEMENT', 'MONITORING_FOLLOW_UP');
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0]!.message).toBe("purpose MONITORING_FOLLOW_UP is not one of this client's purposes (SETTLEMENT)");
    expect(refused.errors![0]!.extensions!.purposes).toEqual(['SETTLEMENT']);
    expect(refused.data ?? null).toBeNull();
    const allowed = await read('MEDICAL_INSURANCE:SETTLEMENT', 'SETTLEMENT');
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toEqual({ person: { id: person.id, name: person.name } });
  });

  it.each(PERSON_READERS)('lets %s declare exactly the purposes its agency has, and refuses every other', async (agency) => {
    const allowed = DOCUMENTED_PURPOSES[agency as Agency];
    for (const purpose of ALL_PURPOSES) {
      const answer = await hub.requestText('query Count { persons { totalCount } }', {}, { token: clients.get(agency)!.token, purpose });
      if (allowed.includes(purpose)) {
        expect(answer.errors, `${agency} ${purpose}`).toBeUndefined();
        expect(answer.data, `${agency} ${purpose}`).toEqual({ persons: { totalCount: 1 } });
      } else {
        expect(errorCodes(answer), `${agency} ${purpose}`).toEqual(['FORBIDDEN']);
      }
    }
  });

  it('answers viewer without X-Purpose: it carries no personal data', async () => {
    const query = '{ viewer { agency purposes } }';
    expect(await hub.requestText(query, {}, { token: clients.get('MEDICAL_INSURANCE')!.token, purpose: null })).toEqual({
      status: 200,
      data: { viewer: { agency: 'MEDICAL_INSURANCE', purposes: ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'] } },
    });
    expect(await hub.requestText(query, {}, { token: clients.get('MEDICAL_INSURANCE:SETTLEMENT')!.token, purpose: null })).toEqual({
      status: 200,
      data: { viewer: { agency: 'MEDICAL_INSURANCE', purposes: ['SETTLEMENT'] } },
    });
    expect(await hub.requestText(query, {}, { token: clients.get('HUB_ADMIN')!.token, purpose: null })).toEqual({
      status: 200,
      data: { viewer: { agency: 'HUB_ADMIN', purposes: [] } },
    });
  });

  it.each(REFUSALS)('reads nothing of persons before it refuses $name', async ({ client, purpose, code }) => {
    const control = await traced(() => read('MEDICAL_INSURANCE', 'ASSISTANCE_ELIGIBILITY'));
    expect(control.answer.errors).toBeUndefined();
    expect(control.statements.some((sql) => PERSONAL_TABLES.test(sql))).toBe(true);

    const { answer, statements } = await traced(() => read(client, purpose));
    expect(errorCodes(answer)).toEqual([code]);
    expect(statements.filter((sql) => PERSONAL_TABLES.test(sql))).toEqual([]);
  });

  it.each(REFUSALS)('leaves a DENIED audit entry of the client, naming no person, when it refuses $name', async ({ client, purpose }) => {
    const before = await entryCount();
    await read(client, purpose);
    expect(await entryCount()).toBe(before + 1);
    const entry = await lastEntry();
    expect(entry).toMatchObject({ outcome: 'DENIED', client_id: clients.get(client)!.clientId, person_ids: [] });
    if (purpose === null) expect(entry.purpose).toBeNull();
  });

  it('leaves one SUCCESS entry for a read, with the purpose, the person read and the fields read', async () => {
    const before = await entryCount();
    const answer = await read('MEDICAL_INSURANCE', 'MONITORING_FOLLOW_UP');
    expect(answer.errors).toBeUndefined();
    expect(await entryCount()).toBe(before + 1);
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      outcome: 'SUCCESS',
      purpose: 'MONITORING_FOLLOW_UP',
      client_id: clients.get('MEDICAL_INSURANCE')!.clientId,
      person_ids: [person.id],
    });
    expect(entry.fields).toContain('Person.name');
    expect(entry.fields).toContain('Query.person');
  });

  it('shows an AUDITOR declaring AUDIT those reads in the access history of the person, and the refusals not', async () => {
    const reader = clients.get('CIVIL_AFFAIRS')!;
    await read('CIVIL_AFFAIRS', 'ASSISTANCE_ELIGIBILITY');
    const auditor = clients.get('AUDITOR')!;
    const history = 'query History($id: ID!) { accessHistory(personId: $id) { edges { node { clientId purpose fields outcome } } } }';

    const refused = await hub.requestText(history, { id: person.id }, { token: auditor.token, purpose: null });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);

    const { data, errors } = await hub.requestText(history, { id: person.id }, { token: auditor.token, purpose: 'AUDIT' });
    expect(errors).toBeUndefined();
    const events = (data!.accessHistory as { edges: { node: { clientId: string; purpose: string; fields: string[]; outcome: string } }[] })
      .edges;
    expect(events[0]!.node).toEqual({
      clientId: reader.clientId,
      purpose: 'ASSISTANCE_ELIGIBILITY',
      fields: expect.arrayContaining(['Person.name', 'Query.person']),
      outcome: 'SUCCESS',
    });
    expect(events.map((e) => e.node)).toContainEqual(
      expect.objectContaining({
        clientId: clients.get('MEDICAL_INSURANCE')!.clientId,
        purpose: 'MONITORING_FOLLOW_UP',
        outcome: 'SUCCESS',
      }),
    );
    // Refusals read no person, so they are not part of any person's history.
    expect(events.every((e) => e.node.outcome === 'SUCCESS')).toBe(true);
  });
});

describe('checkPurpose on subscriptions', () => {
  const civil = {
    clientId: 'c',
    agency: 'CIVIL_AFFAIRS',
    jurisdiction: '6207',
    purposes: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
    jti: 'j',
  } as const;
  const alertRaised = ['Subscription.alertRaised', 'Alert.id'];

  it('holds a nested field to its purposes too: a person’s alerts serve the follow-up, not an eligibility check', () => {
    const principal = { ...civil, purposes: [...civil.purposes] };
    expect(() => checkPurpose(principal, 'ASSISTANCE_ELIGIBILITY', ['Query.person', 'Person.name'])).not.toThrow();
    expect(() => checkPurpose(principal, 'ASSISTANCE_ELIGIBILITY', ['Query.person', 'Person.alerts'])).toThrow(
      'alerts serves the purpose MONITORING_FOLLOW_UP, not ASSISTANCE_ELIGIBILITY',
    );
    expect(() => checkPurpose(principal, 'MONITORING_FOLLOW_UP', ['Query.person', 'Person.alerts'])).not.toThrow();
  });

  it('holds a subscription root field to the purposes FIELD_PURPOSES gives it under Subscription', () => {
    expect(() => checkPurpose({ ...civil, purposes: [...civil.purposes] }, 'MONITORING_FOLLOW_UP', alertRaised)).not.toThrow();
    expect(() => checkPurpose({ ...civil, purposes: [...civil.purposes] }, 'ASSISTANCE_ELIGIBILITY', alertRaised)).toThrow(
      'alertRaised serves the purpose MONITORING_FOLLOW_UP, not ASSISTANCE_ELIGIBILITY',
    );
  });
});
