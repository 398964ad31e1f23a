import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_PROOF_HEADER, GatewayProof, PROOF_MAX_AGE_MS } from '../../src/federation/gateway-proof.js';
import { REFERENCE_LOADERS } from '../../src/federation/subgraph-schema.js';
import { SUBGRAPHS } from '../../src/federation/subgraphs.js';
import { subgraphSdls } from '../../src/federation/supergraph.js';
import { buildHubSchema, HUB_RESOLVERS } from '../../src/server/schema.js';
import { certify, createHousehold } from '../support/factory.js';
import { startTestSubgraphs, type TestSubgraphs } from '../support/federation.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let subgraphs: TestSubgraphs;
let insurance: { clientId: string; token: string };
let charity: { clientId: string; token: string };
let persons: { id: string }[];
let elsewhere: { id: string };
let statusIds: string[];

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id name } } }`;
const STATUSES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on HouseholdStatus { id category } } }`;

interface Sent {
  status: number;
  body: { data?: { _entities?: ({ id: string } | null)[] } | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** POSTs to a subgraph as the gateway would (with `proof`), or as a client would (without). */
async function call(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  options: { token: string; proof?: string | null; operationId?: string },
): Promise<Sent> {
  const operationId = options.operationId ?? crypto.randomUUID();
  const authorization = `Bearer ${options.token}`;
  const proof = options.proof === undefined ? subgraphs.proof.sign(operationId, authorization) : options.proof;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization,
      'x-purpose': 'ASSISTANCE_ELIGIBILITY',
      'x-request-id': operationId,
      ...(proof ? { [GATEWAY_PROOF_HEADER]: proof } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Sent['body'] };
}

const people = (ids: string[]) => ({ representations: ids.map((id) => ({ __typename: 'Person', id })) });

beforeAll(async () => {
  hub = await startTestHub();
  subgraphs = await startTestSubgraphs(hub, ['registry', 'certification']);
  insurance = await hub.client('MEDICAL_INSURANCE', '6207');
  charity = await hub.client('CHARITY', '6207', ['CHARITY_AID']);
  persons = (await createHousehold(hub.db, '620702', 3)).members;
  elsewhere = (await createHousehold(hub.db, '330402', 1)).members[0]!;
  statusIds = [];
  for (const person of persons) statusIds.push((await certify(hub.db, person.id, 'MINIMUM_LIVING', '2024-01-01', { class: 2 })).id);
  statusIds.push((await certify(hub.db, elsewhere.id, 'MINIMUM_LIVING', '2024-01-01', { class: 2 })).id);
}, 120_000);

afterAll(async () => {
  await subgraphs?.close();
  await hub?.close();
});

describe('a subgraph answers its gateway only', () => {
  it('refuses a direct call without the proof, with a forged one, or with one made for another token', async () => {
    const ids = persons.map((p) => p.id);
    const direct = await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token, proof: null });
    expect(direct.status).toBe(403);
    expect(direct.body.data).toBeUndefined();
    expect(direct.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const forged = new GatewayProof(GatewayProof.randomSecret()).sign('op-1', `Bearer ${insurance.token}`);
    expect(
      (await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token, proof: forged, operationId: 'op-1' })).status,
    ).toBe(403);

    const forOther = subgraphs.proof.sign('op-2', `Bearer ${charity.token}`);
    expect(
      (await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token, proof: forOther, operationId: 'op-2' }))
        .status,
    ).toBe(403);

    const stale = subgraphs.proof.sign('op-3', `Bearer ${insurance.token}`, Date.now() - PROOF_MAX_AGE_MS - 1_000);
    expect(
      (await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token, proof: stale, operationId: 'op-3' })).status,
    ).toBe(403);

    // A proof names its operation: sent as another request's, it does not hold.
    const other = subgraphs.proof.sign('op-4', `Bearer ${insurance.token}`);
    expect(
      (await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token, proof: other, operationId: 'op-5' })).status,
    ).toBe(403);

    const proven = await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token });
    expect(proven.status).toBe(200);
    expect(proven.body.data?._entities?.map((p) => p?.id)).toEqual(ids);
  });

  it('still authenticates the client: the gateway’s proof with no valid token is 401', async () => {
    const sent = await call(subgraphs.urls.registry!, ENTITIES, people([persons[0]!.id]), { token: 'not-a-token' });
    expect(sent.status).toBe(401);
  });
});

describe('_entities', () => {
  it('resolves n references of a type in one statement, within the row scope', async () => {
    hub.counter.statements.length = 0;
    const ids = [...persons.map((p) => p.id), elsewhere.id];
    const sent = await call(subgraphs.urls.registry!, ENTITIES, people(ids), { token: insurance.token });
    expect(sent.body.errors).toBeUndefined();
    // The person outside Zhangye (6207) is not the client's: null, as the single process would never reach it.
    expect(sent.body.data?._entities?.map((p) => p?.id ?? null)).toEqual([...persons.map((p) => p.id), null]);
    const personReads = hub.counter.statements.filter((s) => /FROM "public"\."person"/i.test(s) && /SELECT/i.test(s));
    expect(personReads).toHaveLength(1);

    hub.counter.statements.length = 0;
    const statuses = await call(
      subgraphs.urls.certification!,
      STATUSES,
      { representations: statusIds.map((id) => ({ __typename: 'HouseholdStatus', id })) },
      { token: insurance.token },
    );
    expect(statuses.body.errors).toBeUndefined();
    expect(statuses.body.data?._entities?.map((s) => s?.id ?? null)).toEqual([...statusIds.slice(0, 3), null]);
    expect(hub.counter.statements.filter((s) => /FROM "public"\."household_status"/i.test(s))).toHaveLength(1);
  });

  it('keeps the agency’s view: a field the charity’s view lacks fails validation', async () => {
    const sent = await call(
      subgraphs.urls.registry!,
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id phone } } }`,
      people([persons[0]!.id]),
      { token: charity.token },
    );
    expect(sent.status).toBe(400);
    expect(sent.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('is audited as the single process audits: the persons read, under the gateway’s operation id', async () => {
    const operationId = `op-${crypto.randomUUID()}`;
    await call(subgraphs.urls.registry!, ENTITIES, people(persons.map((p) => p.id)), { token: insurance.token, operationId });
    const { rows } = await hub.pool.query<{ person_ids: string[]; outcome: string }>(
      'SELECT person_ids, outcome FROM audit_entry WHERE request_id = $1',
      [operationId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.outcome).toBe('SUCCESS');
    expect([...rows[0]!.person_ids].sort()).toEqual(persons.map((p) => p.id).sort());
  });
});

describe('reference resolvers', () => {
  it('exist for every entity type two subgraphs share', async () => {
    const sdls = subgraphSdls(await buildHubSchema(), HUB_RESOLVERS);
    const seen = new Map<string, number>();
    for (const name of SUBGRAPHS) {
      for (const definition of parse(sdls[name]).definitions) {
        if (definition.kind === 'ObjectTypeDefinition' && definition.directives?.some((d) => d.name.value === 'key')) {
          seen.set(definition.name.value, (seen.get(definition.name.value) ?? 0) + 1);
        }
      }
    }
    const shared = [...seen].filter(([, count]) => count > 1).map(([type]) => type);
    expect(shared.length).toBeGreaterThan(0);
    for (const type of shared) expect(REFERENCE_LOADERS[type], type).toBeDefined();
  });
});
