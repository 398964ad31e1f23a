import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/federation/gateway.js';
import { SUBGRAPHS, type Subgraph } from '../../src/federation/subgraphs.js';
import { certify, createHousehold, recordBenefit } from '../support/factory.js';
import { startTestSubgraphs, type TestSubgraphs } from '../support/federation.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let subgraphs: TestSubgraphs;
let gateway: RunningGateway;
let insurance: { clientId: string; token: string };
let charity: { clientId: string; token: string };

const NESTED = readFile(new URL('../operations/persons.graphql', import.meta.url), 'utf8');
const VARIABLES = { first: 10, after: null, year: 2024, filter: { regionPrefix: '6207' } };

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, query: string, variables: Record<string, unknown>, token: string, purpose = 'ASSISTANCE_ELIGIBILITY') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
    body: JSON.stringify({ query, variables, operationName: query.includes('PersonsNested') ? 'PersonsNested' : undefined }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

beforeAll(async () => {
  hub = await startTestHub();
  subgraphs = await startTestSubgraphs(hub, SUBGRAPHS);
  gateway = await startGateway(
    {
      supergraphSdl: await readFile(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
      urls: subgraphs.urls as Record<Subgraph, string>,
      gatewaySecret: subgraphs.secret,
      jwksUrl: `${hub.origin}/.well-known/jwks.json`,
    },
    0,
    '127.0.0.1',
  );
  const limits = { trustedDocumentsOnly: false, cost: 1_000_000, concurrentRequests: 50 };
  insurance = await hub.client('MEDICAL_INSURANCE', '6207', undefined, limits);
  charity = await hub.client('CHARITY', '6207', ['CHARITY_AID'], limits);
  for (let h = 0; h < 4; h += 1) {
    const { members } = await createHousehold(hub.db, '620702', 3);
    for (const [i, person] of members.entries()) {
      await certify(hub.db, person.id, 'MINIMUM_LIVING', '2024-01-01', { class: 2 });
      await recordBenefit(hub.db, person.id, `C-${h}-${i}`, '2024-03-0' + (i + 1), { total: '1000.00', oop: '300.00' });
    }
  }
  await createHousehold(hub.db, '330402', 2);
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  await subgraphs?.close();
  await hub?.close();
});

describe('the gateway over the subgraphs', () => {
  it('answers the nested persons query exactly as the single process', async () => {
    const query = await NESTED;
    const single = await post(hub.url.replace('localhost', '127.0.0.1'), query, VARIABLES, insurance.token);
    const federated = await post(gateway.url.replace('localhost', '127.0.0.1'), query, VARIABLES, insurance.token);
    expect(single.body.errors).toBeUndefined();
    expect(federated.body.errors).toBeUndefined();
    expect((single.body.data as { persons: { edges: unknown[] } }).persons.edges).toHaveLength(10);
    expect(federated.body).toEqual(single.body);
  });

  it('asks each subgraph once per level, not once per row', async () => {
    const query = await NESTED;
    gateway.subgraphRequests.clear();
    const federated = await post(gateway.url, query, { ...VARIABLES, first: 12 }, insurance.token);
    expect(federated.body.errors).toBeUndefined();
    const counts = Object.fromEntries(gateway.subgraphRequests);
    // registry: the page; certification: the statuses of 12 persons; insurance: their enrollments and benefits.
    expect(counts.registry).toBe(1);
    expect(counts.certification).toBe(1);
    expect(counts.insurance).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
  });

  it('shows a charity at the gateway only what its view shows, and refuses a field it lacks', async () => {
    const introspection = `{ __type(name: "Person") { fields { name } } }`;
    const seen = await post(gateway.url, introspection, {}, charity.token, 'CHARITY_AID');
    const single = await post(hub.url, introspection, {}, charity.token, 'CHARITY_AID');
    const names = (answer: Answer) => ((answer.body.data?.__type as { fields: { name: string }[] }).fields ?? []).map((f) => f.name).sort();
    expect(names(seen)).toEqual(names(single));
    expect(names(seen)).not.toContain('phone');

    const phone = await post(gateway.url, `{ persons(first: 1) { edges { node { phone } } } }`, {}, charity.token, 'CHARITY_AID');
    expect(phone.body.data ?? null).toBeNull();
    expect(phone.body.errors?.[0]?.message).toMatch(/phone/);
  });

  it('refuses a request without a valid token', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ viewer { agency } }' }),
    });
    const body = (await response.json()) as Answer['body'];
    expect(body.data ?? null, JSON.stringify(body)).toBeNull();
    expect([400, 401]).toContain(response.status);
    const none = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { agency } }' }),
    });
    expect(none.status).toBe(401);
  });
});
