/**
 * What the access guard costs and what it protects, on seeded persons in a
 * fresh embedded PostgreSQL, over real HTTP, same run:
 *
 * 1. The nested `persons(first: 100)` query (test/operations/persons.graphql)
 *    sent as query text to a hub without rate limits, and by `documentId` to a
 *    hub with them (rate limit upsert + trusted-document lookup + limits),
 *    interleaved; then the guard's parts timed alone in process.
 * 2. Another client's `{ viewer }` latency unloaded, then under each attack
 *    in turn, the attackers in child processes of their own
 *    (bench/guard-attacker.ts: own event loops, so the attack's generation does
 *    not run in the hub's loop): 13-level household nesting, 500 aliases,
 *    wrong secrets for random client ids from rotating addresses (the worst
 *    case: no per-address or per-client lock applies, only the bound on
 *    hashing), wrong secrets for one client id, subscription floods past
 *    the caps, and one client running as many admitted heavy queries at once
 *    as its `concurrentRequests` allow, each the nested `persons` query with
 *    `first` at its cost limit (its request rate lifted: only the
 *    concurrency and the cost bound it). For each: p50 and p95 unloaded (measured just before, so that
 *    other load on the machine counts alike) and loaded, and their ratio
 *    (target: within 2×), what the attackers were answered, secrets hashed and
 *    audit rows written. The attackers share the machine's cores with the hub.
 *
 * Prints figures; asserts nothing.
 *
 *   npm run bench:guard -- [--persons N] [--iterations N] [--samples N] [--refusal-delay MS]
 */
import './production.js';
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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
import { PubSub } from '../src/server/pubsub.js';
import { buildHubSchema } from '../src/server/schema.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '20000' },
    iterations: { type: 'string', default: '40' },
    samples: { type: 'string', default: '200' },
    'refusal-delay': { type: 'string', default: '1000' },
    /** Runs only these attacks of part 2 (comma-separated). */
    only: { type: 'string' },
  },
});
const iterations = Number(values.iterations);
const samples = Number(values.samples);

type Attack = 'nesting' | 'aliases' | 'token-random' | 'token-client' | 'subscriptions' | 'heavy';

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
  // Whose client id the wrong-secret flood of one client id names.
  const victim = await register('MEDICAL_INSURANCE');
  const auditRows = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_entry')).rows[0]!.n);

  const pubSub = new PubSub();
  const schema = await buildHubSchema(pubSub);
  const repositories = createRepositories(db, AuditKeyRing.generate());
  const limiterPool = new pg.Pool({
    connectionString: (pool as unknown as { options: { connectionString: string } }).options.connectionString,
    max: 4,
  });
  const counters = new RateCounterRepository(limiterPool);
  // Refusals held as `hub start` holds them (HUB_REFUSAL_DELAY_MS), unless --refusal-delay says otherwise.
  const refusalDelayMs = Number(values['refusal-delay']);
  const guarded = await startHttpServer({ schema, repositories, pool, tokens, keys, counters, pubSub, refusalDelayMs }, 0, '127.0.0.1');
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

  // 2. A bystander's `{ viewer }`, unloaded and under each attack; the attackers run in processes of their own.
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

  /** Starts `processes` attackers of `attack`, each with `concurrency` requests in flight; `stop` ends them and returns what they were answered. */
  const launch = async (attack: Attack, processes: number, concurrency: number, limits?: Record<string, unknown>) => {
    // A client of its own per attack: one attack's spent rate limit must not soften the next. Subscribes come from an
    // agency whose view has alertRaised, so that they meet the caps rather than validation.
    const attacker = await register(attack === 'subscriptions' ? 'CIVIL_AFFAIRS' : 'MEDICAL_INSURANCE', limits);
    const children = Array.from({ length: processes }, () =>
      fork(fileURLToPath(new URL('./guard-attacker.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }),
    );
    await Promise.all(
      children.map((child, seed) => {
        const started = new Promise((resolve) => child.once('message', resolve));
        child.send({
          attack,
          url: guarded.url,
          port: guarded.port,
          token: attacker.token,
          clientId: victim.clientId,
          concurrency,
          seed,
          first: heavyFirst,
        });
        return started;
      }),
    );
    return async () => {
      const answers = await Promise.all(
        children.map((child) => {
          const counted = new Promise<Record<string, number>>((resolve) => child.once('message', resolve as (m: unknown) => void));
          child.send('stop');
          return counted;
        }),
      );
      const total = new Map<string, number>();
      for (const counted of answers) for (const [key, n] of Object.entries(counted)) total.set(key, (total.get(key) ?? 0) + n);
      return total;
    };
  };

  // The heavy query: the nested persons query with the largest `first` within a casework client's cost limit.
  const casework = limitsOf('MEDICAL_INSURANCE');
  const heavyDocument = parse(query);
  const costOf = (first: number) =>
    measureOperation(view, { ...heavyDocument, definitions: heavyDocument.definitions.slice(0, 1) }, { ...variables, first }).cost;
  let heavyFirst = 1;
  while (costOf(heavyFirst + 1) <= casework.cost) heavyFirst += 1;
  const attacks: { attack: Attack; processes: number; concurrency: number; what: string; limits?: Record<string, unknown> }[] = [
    { attack: 'nesting', processes: 2, concurrency: 16, what: '13-level household nesting' },
    { attack: 'aliases', processes: 2, concurrency: 16, what: '500 aliases of persons(first: 100)' },
    { attack: 'token-random', processes: 2, concurrency: 16, what: 'wrong secrets, random client ids, rotating addresses' },
    { attack: 'token-client', processes: 2, concurrency: 16, what: 'wrong secrets for one client id, one address' },
    { attack: 'subscriptions', processes: 2, concurrency: 16, what: 'alertRaised subscribes past the caps' },
    {
      attack: 'heavy',
      processes: 1,
      concurrency: casework.concurrentRequests,
      what: `admitted persons(first: ${heavyFirst}) nested, cost ${costOf(heavyFirst)} of ${casework.cost}`,
      limits: { requests: 1_000_000 },
    },
  ];
  console.log(
    `{ viewer } of another client, ${samples} requests each, unloaded (just before) vs under attack; attackers in child processes:`,
  );
  const summary: string[] = [];
  const only = values.only?.split(',');
  for (const { attack, processes, concurrency, what, limits } of attacks) {
    if (only && !only.includes(attack)) continue;
    const unloaded = await viewer(samples);
    hashed = 0;
    const auditBefore = await auditRows();
    const floodStarted = performance.now();
    const stop = await launch(attack, processes, concurrency, limits);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const loaded = await viewer(samples);
    const answers = await stop();
    const seconds = (performance.now() - floodStarted) / 1000;
    const audited = (await auditRows()) - auditBefore;
    const [u50, u95, l50, l95] = [pick(unloaded, 0.5), pick(unloaded, 0.95), pick(loaded, 0.5), pick(loaded, 0.95)];
    console.log(`  ${attack} (${what}; ${processes} processes × ${concurrency} in flight, ${seconds.toFixed(1)} s):`);
    console.log(`    unloaded  p50 ${ms(u50)}  p95 ${ms(u95)}`);
    console.log(`    loaded    p50 ${ms(l50)}  p95 ${ms(l95)}   ratio p50 ${(l50 / u50).toFixed(2)}×  p95 ${(l95 / u95).toFixed(2)}×`);
    const sent = [...answers.values()].reduce((a, b) => a + b, 0);
    console.log(
      `    attacker answers: ${[...answers].map(([k, v]) => `${k}: ${v}`).join(', ')} (${(sent / seconds).toFixed(0)}/s); secrets hashed ${hashed} (${(hashed / seconds).toFixed(1)}/s); audit rows ${audited}`,
    );
    summary.push(`${attack.padEnd(14)} p50 ${(l50 / u50).toFixed(2)}×  p95 ${(l95 / u95).toFixed(2)}×`);
  }
  console.log(`bystander ratio (loaded / unloaded), target within 2×:\n  ${summary.join('\n  ')}`);

  await guarded.close();
  await bare.close();
  await limiterPool.end();
});
