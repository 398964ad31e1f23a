/**
 * Seeds 100 000 fictitious persons into a fresh embedded PostgreSQL and times
 * (1) the seeding and (2) the nested `persons(first: N)` query over real
 * HTTP, one request at a time, for pages of 10, 100 and 1 000 persons: p50/p95
 * latency, requests/s, the hub's CPU per request (this process: Node, not
 * PostgreSQL) and SQL statements per request. Prints figures; asserts nothing
 * (machines are noisy).
 *
 *   npm run bench:read -- [--persons N] [--iterations N]
 */
import './production.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ClientRepository } from '../src/auth/client.repository.js';
import { ClientService } from '../src/auth/client.service.js';
import { SigningKeys } from '../src/auth/signing-keys.js';
import { TokenService } from '../src/auth/token.service.js';
import { createRepositories } from '../src/server/context.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { startHttpServer } from '../src/server/http.js';
import type { StatementCounter } from '../src/server/prisma.js';
import { buildHubSchema } from '../src/server/schema.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: { persons: { type: 'string', default: '100000' }, iterations: { type: 'string', default: '60' } },
});
const persons = Number(values.persons);
const iterations = Number(values.iterations);

const counter: StatementCounter = { count: 0, statements: [] };
await withSeededDatabase(
  persons,
  async ({ dir, db, pool, seeded }) => {
    console.log(
      `seed: ${seeded.persons} persons, ${seeded.statuses} statuses, ${seeded.enrollments} enrollments, ${seeded.benefits} benefits in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.persons / seeded.seconds)} persons/s)`,
    );

    const clients = new ClientRepository(db);
    const keys = await SigningKeys.load(dir);
    const tokens = new TokenService(clients, keys, {});
    const { clientId, clientSecret } = await new ClientService(clients).create({
      name: 'bench',
      agency: 'MEDICAL_INSURANCE',
      jurisdiction: '62',
      // An agency that syncs: pages of 1 000 nested persons are beyond the default cost and answer size.
      limits: { cost: 1_000_000, responseBytes: 50_000_000 },
    });
    const token = (await tokens.issue(clientId, clientSecret))!.access_token;
    const http = await startHttpServer(
      { schema: await buildHubSchema(), repositories: createRepositories(db, AuditKeyRing.generate()), pool, tokens, keys },
      0,
      '127.0.0.1',
    );
    const query = await readFile(new URL('../test/operations/persons.graphql', import.meta.url), 'utf8');
    const request = async (after: string | null, first: number) => {
      const response = await fetch(`http://127.0.0.1:${http.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'ASSISTANCE_ELIGIBILITY' },
        body: JSON.stringify({
          query,
          operationName: 'PersonsNested',
          variables: { first, after, year: 2024, filter: { regionPrefix: '6207' } },
        }),
      });
      const body = (await response.json()) as { data: { persons: { pageInfo: { endCursor: string } } }; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data.persons.pageInfo.endCursor;
    };

    for (const first of [10, 100, 1000]) {
      let after: string | null = null;
      for (let i = 0; i < 5; i += 1) after = await request(after, first); // warm-up: plan caches, JIT
      const times: number[] = [];
      counter.count = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < iterations; i += 1) {
        const one = performance.now();
        after = await request(after, first); // a new page each time, walking the list
        times.push(performance.now() - one);
      }
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      times.sort((a, b) => a - b);
      const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
      console.log(
        `persons(first: ${first}) nested, ${iterations} pages: p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms; ` +
          `${((iterations * 1000) / wall).toFixed(1)} req/s on 1 connection; ` +
          `Node CPU ${((used.user + used.system) / 1000 / iterations).toFixed(1)} ms per request; ` +
          `${counter.count / iterations} SQL statements per request`,
      );
    }
    console.log(
      `heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );
    await http.close();
  },
  counter,
);
