/**
 * What the access guard costs and what it protects, on seeded persons in a
 * fresh embedded PostgreSQL, over real HTTP, same run:
 *
 * 1. The nested `persons(first: 100)` query (test/operations/persons.graphql)
 *    sent as query text to a hub without rate limits, and by `documentId` to a
 *    hub with them (rate limit upsert + trusted-document lookup + limits),
 *    interleaved; then the guard's parts timed alone in process.
 * 2. Another client's `{ viewer }` latency idle, then while one attacker
 *    floods the token endpoint with wrong secrets for random client ids from
 *    rotating addresses (the worst case: no per-address or per-client lock
 *    applies, only the bound on hashing) and another sends refused heavy
 *    queries (13-level household nesting, 500 aliases). Target: within 2× of idle.
 *
 * Prints figures; asserts nothing.
 *
 *   npm run bench:guard -- [--persons N] [--iterations N]
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import pg from 'pg';
import { ClientRepository } from '../src/auth/client.repository.js';
import { ClientService } from '../src/auth/client.service.js';
import { limitsOf } from '../src/auth/limits-policy.js';
import { measureOperation } from '../src/auth/operation-limits.js';
import { RateCounterRepository } from '../src/auth/rate-counter.repository.js';
import { ClientRateLimiter } from '../src/auth/rate-limits.js';
import { SigningKeys } from '../src/auth/signing-keys.js';
import { TokenService } from '../src/auth/token.service.js';
import { agencyView } from '../src/auth/schema-views.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { createRepositories } from '../src/server/context.js';
import { startHttpServer } from '../src/server/http.js';
import { buildHubSchema } from '../src/server/schema.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: { persons: { type: 'string', default: '20000' }, iterations: { type: 'string', default: '40' } },
});
const iterations = Number(values.iterations);

const pick = (list: number[], q: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

await withSeededDatabase(Number(values.persons), async ({ dir, db, pool }) => {
  const clients = new ClientRepository(db);
  const keys = await SigningKeys.load(dir);
  const tokens = new TokenService(clients, keys, {});
  let hashed = 0;
  const issue = tokens.issue.bind(tokens);
  tokens.issue = (id, secret) => {
    hashed += 1;
    return issue(id, secret);
  };
  const service = new ClientService(clients);
  const register = async (agency: 'MEDICAL_INSURANCE' | 'CIVIL_AFFAIRS', limits?: Record<string, unknown>) => {
    const { clientId, clientSecret } = await service.create({
      name: `bench ${agency}`,
      agency,
      jurisdiction: '62',
      ...(limits ? { limits } : {}),
    });
    return { clientId, token: (await issue(clientId, clientSecret))!.access_token };
  };
  // The reader's limit is out of the way: the bench measures time, not refusals.
  const reader = await register('MEDICAL_INSURANCE', { requests: 1_000_000 });
  const bystander = await register('CIVIL_AFFAIRS', { requests: 1_000_000 });
  const attacker = await register('MEDICAL_INSURANCE');

  const schema = await buildHubSchema();
  const repositories = createRepositories(db, AuditKeyRing.generate());
  const limiterPool = new pg.Pool({
    connectionString: (pool as unknown as { options: { connectionString: string } }).options.connectionString,
    max: 4,
  });
  const counters = new RateCounterRepository(limiterPool);
  const guarded = await startHttpServer({ schema, repositories, pool, tokens, keys, counters }, 0, '127.0.0.1');
  const bare = await startHttpServer({ schema, repositories, pool, tokens, keys }, 0, '127.0.0.1');

  const query = await readFile(new URL('../test/operations/persons.graphql', import.meta.url), 'utf8');
  const documentId = (await repositories.documents.add(reader.clientId, [{ body: query, operationName: null }]))[0]!;
  const variables = { first: 100, year: 2024, filter: { regionPrefix: '6207' } };

  const post = async (url: string, token: string, body: unknown, purpose = 'ASSISTANCE_ELIGIBILITY') => {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  };

  // 1. The nested query with and without the guard's stateful parts.
  const variants = [
    { name: 'query text, no rate limit', send: () => post(bare.url, reader.token, { query, operationName: 'PersonsNested', variables }) },
    {
      name: 'documentId + rate limit',
      send: () => post(guarded.url, reader.token, { documentId, operationName: 'PersonsNested', variables }),
    },
  ];
  const times = new Map(variants.map((v) => [v.name, [] as number[]]));
  for (let i = 0; i < 3; i += 1) for (const v of variants) await v.send();
  for (let i = 0; i < iterations; i += 1) {
    for (const v of variants) {
      const answer = await v.send();
      if (answer.status !== 200 || answer.text.includes('"errors"')) throw new Error(answer.text.slice(0, 300));
      times.get(v.name)!.push(answer.ms);
    }
  }
  const base = pick(times.get(variants[0]!.name)!, 0.5);
  console.log(`nested persons(first: 100), ${iterations} requests each, interleaved:`);
  for (const [name, list] of times) {
    const p50 = pick(list, 0.5);
    console.log(
      `  ${name.padEnd(28)} p50 ${ms(p50)}  p95 ${ms(pick(list, 0.95))}  (${(((p50 - base) / base) * 100).toFixed(1)} % vs text)`,
    );
  }
  const view = agencyView(schema, 'MEDICAL_INSURANCE');
  const document = parse(query);
  let started = performance.now();
  for (let i = 0; i < 1_000; i += 1) measureOperation(view, document, variables);
  const measure = (performance.now() - started) / 1_000;
  const limiter = new ClientRateLimiter(counters);
  started = performance.now();
  for (let i = 0; i < 200; i += 1) await limiter.consume(reader.clientId, limitsOf('MEDICAL_INSURANCE'));
  const consume = (performance.now() - started) / 200;
  started = performance.now();
  for (let i = 0; i < 1_000; i += 1) await repositories.documents.find(reader.clientId, documentId);
  const find = (performance.now() - started) / 1_000;
  started = performance.now();
  for (let i = 0; i < 100; i += 1) parse(query);
  const parsing = (performance.now() - started) / 100;
  console.log(
    `  guard parts alone: limits ${(measure * 1000).toFixed(0)} µs, rate-limit upsert ${ms(consume)}, trusted-document lookup (cached) ${(find * 1000).toFixed(1)} µs; parsing (cached per document) ${(parsing * 1000).toFixed(0)} µs`,
  );

  // 2. A bystander's `{ viewer }`, idle and under attack.
  const viewer = async (count: number) => {
    const list: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const answer = await post(guarded.url, bystander.token, { query: '{ viewer { agency } }' }, 'MONITORING_FOLLOW_UP');
      if (answer.status !== 200) throw new Error(answer.text);
      list.push(answer.ms);
    }
    return list;
  };
  await viewer(20);
  const idle = await viewer(200);

  let stop = false;
  const answers = new Map<string, number>();
  const count = (key: string) => answers.set(key, (answers.get(key) ?? 0) + 1);
  let address = 0;
  const tokenFlood = async () => {
    while (!stop) {
      address += 1;
      const from = `127.${1 + ((address >> 16) & 0x7f)}.${(address >> 8) & 0xff}.${address & 0xff || 1}`;
      const status = await new Promise<number>((resolve) => {
        const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 'guess' }).toString();
        const request = http.request(
          `http://127.0.0.1:${guarded.port}/oauth/token`,
          { method: 'POST', localAddress: from, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode!));
          },
        );
        request.on('error', () => resolve(0));
        request.end(body);
      });
      count(`token ${status}`);
    }
  };
  const heavy = [
    `query ($p: ID) { person(id: $p) { ${'household { members { '.repeat(13)}id${' } }'.repeat(13)} } }`,
    `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: persons(first: 100) { edges { node { id name household { members { id } } } } }`).join(' ')} }`,
  ];
  const heavyFlood = async (i: number) => {
    while (!stop) {
      const answer = await post(guarded.url, attacker.token, { query: heavy[i % 2], variables: { p: randomUUID() } });
      count(`heavy ${answer.status}`);
    }
  };
  hashed = 0;
  const floodStarted = performance.now();
  const floods = [...Array.from({ length: 32 }, tokenFlood), ...Array.from({ length: 8 }, (_, i) => heavyFlood(i))];
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const attacked = await viewer(200);
  stop = true;
  await Promise.all(floods);
  const seconds = (performance.now() - floodStarted) / 1000;

  const idle50 = pick(idle, 0.5);
  const attacked50 = pick(attacked, 0.5);
  console.log(`{ viewer } of another client, 200 requests each:`);
  console.log(`  idle            p50 ${ms(idle50)}  p95 ${ms(pick(idle, 0.95))}`);
  console.log(
    `  under attack    p50 ${ms(attacked50)}  p95 ${ms(pick(attacked, 0.95))}  (${(attacked50 / idle50).toFixed(2)}× idle p50, ${(pick(attacked, 0.95) / pick(idle, 0.95)).toFixed(2)}× idle p95)`,
  );
  console.log(
    `  attack over ${seconds.toFixed(1)} s: ${[...answers].map(([k, v]) => `${k}: ${v}`).join(', ')}; secrets hashed ${hashed} (${(hashed / seconds).toFixed(1)}/s)`,
  );

  await guarded.close();
  await bare.close();
  await limiterPool.end();
});
