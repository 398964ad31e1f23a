import { getIntrospectionQuery } from 'graphql';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateCounterRepository } from '../../src/auth/rate-counter.repository.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let personId: string;
let stderr: string[] = [];

/** `person { household { members { household { members … } } } }`, `levels` times: the query that once exhausted the heap. */
function householdNest(levels: number): string {
  return `query ($p: ID!) { person(id: $p) { ${'household { members { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
}

/** What the hub wrote to stderr during a test. */
function logged(): string {
  return stderr.join('');
}

beforeAll(async () => {
  hub = await startTestHub();
  // A household of three, as in the report: each level multiplies the answer by three.
  personId = (await createHousehold(hub.db, '620702', 3)).members[0]!.id;
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  });
});

afterEach(() => {
  stderr = [];
});

afterAll(async () => {
  vi.restoreAllMocks();
  await hub.close();
});

describe('operation limits', () => {
  it('refuses the 13-level household query before executing it, and the hub answers the next request', async () => {
    hub.counter.count = 0;
    const refused = await hub.requestText(householdNest(13), { p: personId });
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10, actual: 28 });
    // The token check is the only statement: nothing of the person was read, no audit entry written.
    expect(hub.counter.count).toBe(1);
    const viewer = await hub.requestText('{ viewer { agency } }');
    expect(viewer.data).toEqual({ viewer: { agency: 'MEDICAL_INSURANCE' } });
  });

  it('refuses 500 aliases of persons(first: 100): by its tokens, and by its aliases where a client may send long documents', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: persons(first: 100) { edges { node { id name } } }`).join(' ');
    const refused = await hub.requestText(`{ ${aliases} }`);
    expect(refused.status).toBe(400);
    expect(refused.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 2_000, actual: 2_001 });
    const verbose = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { tokens: 100_000 });
    const counted = await hub.requestText(`{ ${aliases} }`, {}, { token: verbose.token });
    expect(counted.status).toBe(400);
    expect(counted.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 20, actual: 500 });
  });

  it('counts the cost through list sizes: first (literal or variable) times the bound of household members', async () => {
    const nested = (first: string) =>
      `query ($n: Int) { persons(first: ${first}) { edges { node { household { members { household { members { statuses { category } } } } } } } } }`;
    // 100 × (1 + edges (1 + node (1 + household (1 + 10 members × (1 + household (1 + 10 members × (1 + 10 statuses))))))) = 112 400
    const literal = await hub.requestText(nested('100'));
    expect(literal.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 20_000, actual: 112_400 });
    const variable = await hub.requestText(nested('$n'), { n: 100 });
    expect(variable.errors![0]!.extensions).toMatchObject({ limit: 'cost', actual: 112_400 });
    // The same shape on one person's page of one is within the limit, and runs.
    const small = await hub.requestText(nested('$n'), { n: 1 });
    expect(small.errors).toBeUndefined();
  });

  it('refuses a document over the token limit without parsing it further, and one over the directive limit', async () => {
    const tokens = await hub.requestText(`{ viewer { ${'clientId '.repeat(2_500)} } }`);
    expect(tokens.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 2_000, actual: 2_001 });
    const directives = await hub.requestText(`{ viewer { ${'clientId @include(if: true) '.repeat(11)} } }`);
    expect(directives.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'directives', max: 10, actual: 11 });
  });

  it('applies the limits a client’s own row sets over its agency’s', async () => {
    const shallow = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { depth: 3 });
    const query = `query ($p: ID!) { person(id: $p) { household { members { id } } } }`;
    expect((await hub.requestText(query, { p: personId })).errors).toBeUndefined();
    const refused = await hub.requestText(query, { p: personId }, { token: shallow.token });
    expect(refused.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 3, actual: 4 });
  });

  it('lets GraphiQL’s full introspection through, measured by graphql-js’s introspection rule rather than data limits', async () => {
    // What GraphiQL asks first: 12+ levels of `ofType`, thousands by the data lists' bounds, on an in-memory schema.
    const full = getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, specifiedByUrl: true });
    const reader = await hub.client('ANALYST', '6207', undefined, { trustedDocumentsOnly: false });
    for (const token of [undefined, reader.token]) {
      const answer = await hub.requestText(full, {}, { ...(token && { token }), purpose: null });
      expect(answer.errors).toBeUndefined();
      expect((answer.data as { __schema: { types: { name: string }[] } }).__schema.types.map((t) => t.name)).toContain('Query');
    }
    // What would make introspection expensive is still refused, before execution, by graphql-js's rule.
    const cyclic = await hub.requestText(
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      {},
      { purpose: null },
    );
    expect(cyclic.status).toBe(400);
    expect(cyclic.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(cyclic.errors![0]!.message).toMatch(/introspection/i);
    // Data beside an introspection is measured as before: the household nest is over the depth limit.
    const mixed = await hub.requestText(`query ($p: ID!) { __schema { queryType { name } } ${householdNest(13).slice(18, -1)} }`, {
      p: personId,
    });
    expect(mixed.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10, actual: 28 });
  });

  it('withholds an answer over the client’s response size, and audits it as a failure', async () => {
    const small = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { responseBytes: 1_000 });
    await createHousehold(hub.db, '620702', 10);
    const refused = await hub.requestText(
      '{ persons(first: 20) { edges { node { id idNumber name phone } } } }',
      {},
      { token: small.token },
    );
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'responseBytes', max: 1_000 });
    const { rows } = await hub.pool.query('SELECT outcome FROM audit_entry WHERE client_id = $1', [small.clientId]);
    expect(rows).toEqual([{ outcome: 'FAILED' }]);
  });
});

describe('bad requests are 4xx, with no stack in the log', () => {
  it('answers a mutation from a client whose view has none with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const health = await hub.client('HEALTH', '6207');
    const result = await hub.requestText(
      'mutation { settleClaim(input: {}) { id } }',
      {},
      { token: health.token, purpose: 'MONITORING_FOLLOW_UP' },
    );
    expect(result.status).toBe(400);
    expect(result.errors![0]!).toMatchObject({ message: 'this client’s schema has no mutation operations' });
    expect(result.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(logged()).not.toMatch(/ at |stack|TypeError/);
  });

  it('points a subscription sent over HTTP to the WebSocket endpoint', async () => {
    const civil = await hub.client('CIVIL_AFFAIRS', '6207');
    const result = await hub.requestText(
      'subscription { alertRaised { id } }',
      {},
      { token: civil.token, purpose: 'MONITORING_FOLLOW_UP' },
    );
    expect(result.status).toBe(400);
    expect(result.errors![0]!.message).toMatch(/WebSocket/);
    expect(result.errors![0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
    const health = await hub.client('HEALTH', '6207');
    const none = await hub.requestText('subscription { alertRaised { id } }', {}, { token: health.token, purpose: 'MONITORING_FOLLOW_UP' });
    expect([none.status, none.errors![0]!.extensions!.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(logged()).not.toMatch(/ at |TypeError|reading 'alerts'/);
  });

  it('refuses a mutation sent with GET (405) and a body that is no JSON object (400)', async () => {
    const get = await fetch(`${hub.url}?query=${encodeURIComponent('mutation { runMonitoring(month: "2024-01") { month } }')}`, {
      headers: { authorization: `Bearer ${hub.token}`, 'x-purpose': 'MONITORING_FOLLOW_UP' },
    });
    expect(get.status).toBe(405);
    const array = await fetch(hub.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' },
      body: '[1]',
    });
    expect(array.status).toBe(400);
    expect(((await array.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
  });

  it('serves a query sent with GET through the same checks', async () => {
    const ok = await fetch(`${hub.url}?query=${encodeURIComponent('{ viewer { agency } }')}`, {
      headers: { authorization: `Bearer ${hub.token}`, 'apollo-require-preflight': 'true' },
    });
    expect([ok.status, await ok.json()]).toEqual([200, { data: { viewer: { agency: 'MEDICAL_INSURANCE' } } }]);
    const deep = await fetch(
      `${hub.url}?query=${encodeURIComponent(householdNest(13))}&variables=${encodeURIComponent(JSON.stringify({ p: personId }))}`,
      {
        headers: { authorization: `Bearer ${hub.token}`, 'apollo-require-preflight': 'true' },
      },
    );
    expect(deep.status).toBe(400);
  });
});

describe('the statement timeout', () => {
  it('cancels a statement of a request that runs longer than the pool allows', async () => {
    const { createDb } = await import('../../src/server/prisma.js');
    const { pool } = createDb(hub.databaseUrl, { statementTimeoutMs: 200 });
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
  });
});

describe('rate limits', () => {
  it('answers every request with RateLimit headers, and one past the limit with 429, Retry-After and RATE_LIMITED', async () => {
    const limited = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { requests: 3, windowSeconds: 60 });
    const send = () =>
      fetch(hub.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${limited.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { agency } }' }),
      });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await send());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-policy'))).toEqual(Array(4).fill('"requests";q=3;w=60'));
    expect(answers.map((a) => /r=(\d+)/.exec(a.headers.get('ratelimit')!)![1])).toEqual(['2', '1', '0', '0']);
    const refused = answers[3]!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfter,
    });
    // Another client is not touched by this one's limit.
    expect((await hub.requestText('{ viewer { agency } }')).status).toBe(200);
  });

  it('refuses a client past its limit from memory until its window turns: the flood adds nothing to its counter', async () => {
    const limited = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { requests: 2, windowSeconds: 3600 });
    const answers = [];
    for (let i = 0; i < 8; i += 1) answers.push(await hub.requestText('{ viewer { agency } }', {}, { token: limited.token }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429, 429, 429, 429, 429]);
    expect(answers.slice(2).every((a) => a.errors![0]!.extensions!.code === 'RATE_LIMITED')).toBe(true);
    // One statement counted the request that went over; the five after it were refused without one.
    const { rows } = await hub.pool.query('SELECT hits FROM rate_counter WHERE key = $1', [`requests:${limited.clientId}:3600`]);
    expect(rows).toEqual([{ hits: 3 }]);
  });

  it('counts in PostgreSQL, so hits from another hub process count too', async () => {
    const limited = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { requests: 5, windowSeconds: 3600 });
    // Another process on the same database: a counter of its own on the same table.
    const other = new pg.Pool({ connectionString: hub.databaseUrl, max: 1 });
    try {
      await new RateCounterRepository(other).hit(`requests:${limited.clientId}:3600`, 3600, 5);
    } finally {
      await other.end();
    }
    const refused = await hub.requestText('{ viewer { agency } }', {}, { token: limited.token });
    expect([refused.status, refused.errors![0]!.extensions!.code]).toEqual([429, 'RATE_LIMITED']);
  });
});
