/**
 * The cost of the permission layer, same data, same run: the nested
 * `persons(first: 100)` query executed (in process, no HTTP) on
 *   off    — the whole schema, no view, no purpose check, no audit;
 *   views  — the agency's view and masking, no audit;
 *   on     — view, masking and the audit entry (the guard's limits and purpose check: bench/guard.bench.ts);
 *   on+cc  — as `on`, with Apollo's cacheControl plugin (its default, a hook on every resolved field), which the hub disables.
 * Apollo runs as the hub runs it (no cacheControl) but for `on+cc`.
 * Prints p50/p95 per variant, then the audit's cost per operation (on − views)
 * and what keying the chain adds to it: the chain hash of an entry naming the
 * page's 100 persons, HMAC-SHA256 against plain SHA-256 (bench/audit.bench.ts
 * alone), in the same run. Asserts nothing.
 *
 *   node --import tsx bench/permissions.bench.ts [--persons N] [--iterations N]
 */
import './production.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Principal } from '../src/auth/principal.js';
import { agencyView } from '../src/auth/schema-views.js';
import { AccessGuard } from '../src/server/access-guard.js';
import { accessPlugin } from '../src/server/access.plugin.js';
import { createContext, createRepositories, type HubContext } from '../src/server/context.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { buildHubSchema } from '../src/server/schema.js';
import { formatChainHashing, measureChainHashing } from './audit-chain.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({ options: { persons: { type: 'string', default: '20000' }, iterations: { type: 'string', default: '60' } } });
const iterations = Number(values.iterations);

await withSeededDatabase(Number(values.persons), async ({ db }) => {
  const repositories = createRepositories(db, AuditKeyRing.generate());
  const schema = await buildHubSchema();
  const principal: Principal = {
    clientId: '01890000-0000-7000-8000-000000000001',
    agency: 'MEDICAL_INSURANCE',
    jurisdiction: '62',
    purposes: ['SETTLEMENT'],
    jti: 'bench',
  };
  // Only the guard's audit step runs here: the operation is executed in process, not admitted.
  const guard = new AccessGuard({ tokens: undefined as never, views: new Map(), repositories });
  const query = await readFile(new URL('../test/operations/persons.graphql', import.meta.url), 'utf8');

  const variant = async (name: string, variantSchema: GraphQLSchema, audited: boolean, cacheControl = false) => {
    const plugins: ApolloServerPlugin<HubContext>[] = audited ? [accessPlugin(guard)] : [];
    if (!cacheControl) plugins.push(ApolloServerPluginCacheControlDisabled());
    const apollo = new ApolloServer<HubContext>({
      schema: variantSchema,
      plugins,
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    return { name, apollo };
  };
  const variants = [
    await variant('off', schema, false),
    await variant('views', agencyView(schema, 'MEDICAL_INSURANCE'), false),
    await variant('on', agencyView(schema, 'MEDICAL_INSURANCE'), true),
    await variant('on+cc', agencyView(schema, 'MEDICAL_INSURANCE'), true, true),
  ];
  const run = async (apollo: ApolloServer<HubContext>) => {
    const started = performance.now();
    const response = await apollo.executeOperation(
      { query, operationName: 'PersonsNested', variables: { first: 100, year: 2024, filter: { regionPrefix: '6207' } } },
      { contextValue: createContext(principal, 'SETTLEMENT', repositories) },
    );
    if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(JSON.stringify(response.body));
    return performance.now() - started;
  };
  const times = new Map(variants.map((v) => [v.name, [] as number[]]));
  for (let i = 0; i < 5; i += 1) for (const v of variants) await run(v.apollo); // warm-up
  // Interleaved, so that drift of the machine touches every variant alike.
  for (let i = 0; i < iterations; i += 1) for (const v of variants) times.get(v.name)!.push(await run(v.apollo));
  const p = (list: number[], q: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))]!;
  const base = p(times.get('off')!, 0.5);
  for (const [name, list] of times) {
    const p50 = p(list, 0.5);
    console.log(
      `${name.padEnd(8)} p50 ${p50.toFixed(1)} ms  p95 ${p(list, 0.95).toFixed(1)} ms  (${(((p50 - base) / base) * 100).toFixed(1)} % vs off)`,
    );
  }
  const audit = p(times.get('on')!, 0.5) - p(times.get('views')!, 0.5);
  console.log(`audit per operation (on − views, p50): ${audit.toFixed(2)} ms`);
  const hashing = measureChainHashing({ personIds: 100 });
  console.log(formatChainHashing(hashing));
  const added = (hashing.keyedMicros - hashing.plainMicros) / 1000;
  console.log(
    `keying adds ${(added * 1000).toFixed(1)} µs per entry: ${((added / p(times.get('on')!, 0.5)) * 100).toFixed(3)} % of an audited operation's p50`,
  );
  for (const v of variants) await v.apollo.stop();
});
