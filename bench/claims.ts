/**
 * What the settlement and alert benchmarks share: the hub served over real
 * HTTP on a bench database, tokens of real clients, seeded pseudo-random
 * claims of December 2024 for seeded persons, and a runner that settles them
 * through `settleClaim` at a given concurrency, timing every request.
 */
import type pg from 'pg';
import { ClientRepository } from '../src/auth/client.repository.js';
import { ClientService } from '../src/auth/client.service.js';
import { SigningKeys } from '../src/auth/signing-keys.js';
import { TokenService } from '../src/auth/token.service.js';
import type { Agency } from '../src/generated/prisma/enums.js';
import type { Random } from '../src/modules/seed/random.js';
import { CHRONIC_DIAGNOSES, INPATIENT_DIAGNOSES } from '../src/modules/seed/seed.data.js';
import type { Repositories } from '../src/server/context.js';
import { startHttpServer } from '../src/server/http.js';
import { buildHubSchema } from '../src/server/schema.js';
import type { BenchDatabase } from './support.js';

/** A GraphQL answer as a client sees it. */
interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The hub over HTTP on a loopback port. */
export interface BenchHub {
  /** Registers a client and returns a token issued through its credentials. */
  token(agency: Agency, jurisdiction: string): Promise<string>;
  request(token: string, purpose: string, query: string, variables: Record<string, unknown>): Promise<Answer>;
  close(): Promise<void>;
}

/** Serves the hub with `repositories` over HTTP, as `hub start` does (without the dispatcher). */
export async function startBenchHub({ dir, db, pool }: BenchDatabase, repositories: Repositories): Promise<BenchHub> {
  const clients = new ClientRepository(db);
  const keys = await SigningKeys.load(dir);
  const tokens = new TokenService(clients, keys, {});
  const http = await startHttpServer({ schema: await buildHubSchema(), repositories, pool, tokens, keys }, 0, '127.0.0.1');
  return {
    async token(agency, jurisdiction) {
      const { clientId, clientSecret } = await new ClientService(clients).create({ name: `bench ${agency}`, agency, jurisdiction });
      return (await tokens.issue(clientId, clientSecret))!.access_token;
    },
    async request(token, purpose, query, variables) {
      const response = await fetch(`http://127.0.0.1:${http.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
    },
    close: () => http.close(),
  };
}

/** A seeded person a claim can be for. */
export interface SeededPerson {
  id: string;
  regionCode: string;
}

/** The seeded persons of Zhangye's counties (6207xx), in id order. */
export async function seededPersons(pool: pg.Pool): Promise<SeededPerson[]> {
  const { rows } = await pool.query<SeededPerson>(
    `SELECT id, region_code AS "regionCode" FROM person WHERE region_code LIKE '6207%' ORDER BY id`,
  );
  return rows;
}

/** The `ClaimInput` of `settleClaim`, as JSON variables. */
export interface Claim {
  claimId: string;
  personId: string;
  serviceDate: string;
  visitType: 'INPATIENT' | 'OUTPATIENT_CHRONIC';
  referral: 'LOCAL' | 'REFERRED' | 'UNREFERRED';
  inProvince: boolean;
  providerCode: string;
  diagnosis: string;
  totalCost: string;
  inPolicyCost: string;
  basicPaid: string;
  criticalPaid: string;
  otherPaid: string;
}

/** Fen as a decimal string of yuan, without floating point. */
const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/**
 * One claim per entry of `persons` (an entry may repeat), numbered `<tag>-<i>`,
 * with a service date in December 2024. Four in five are inpatient stays
 * (log-normal around 9 000 yuan), the rest chronic outpatient visits (around
 * 600 yuan); in-policy share, basic and critical-illness insurance follow the
 * seed generator's model (seed.generator.ts), so amounts look like the seeded
 * visits and some rural stays cross gansu-2023's alert thresholds.
 */
export function generateClaims(persons: readonly SeededPerson[], tag: string, random: Random): Claim[] {
  return persons.map((person, i) => {
    const inpatient = random.chance(0.8);
    const total = Math.round(
      100 * (inpatient ? Math.min(400_000, Math.max(800, random.logNormal(9_000, 0.85))) : Math.max(80, random.logNormal(600, 0.6))),
    );
    const inPolicy = Math.floor((total * random.int(72, 92)) / 100);
    const basic = Math.min(20_000_000, Math.floor(Math.max(0, inPolicy - (inpatient ? 60_000 : 0)) * (inpatient ? 0.65 : 0.55)));
    const critical = inpatient ? Math.floor(Math.max(0, inPolicy - basic - 1_500_000) * 0.6) : 0;
    const referral = random.chance(0.86) ? 'LOCAL' : random.chance(0.7) ? 'REFERRED' : 'UNREFERRED';
    return {
      claimId: `${tag}-${i}`,
      personId: person.id,
      serviceDate: `2024-12-${String(random.int(1, 31)).padStart(2, '0')}`,
      visitType: inpatient ? 'INPATIENT' : 'OUTPATIENT_CHRONIC',
      referral,
      inProvince: referral !== 'UNREFERRED' || random.chance(0.4),
      providerCode: `H${person.regionCode}${String(random.int(1, 40)).padStart(3, '0')}`,
      diagnosis: random.pick(inpatient ? INPATIENT_DIAGNOSES : CHRONIC_DIAGNOSES),
      totalCost: yuan(total),
      inPolicyCost: yuan(inPolicy),
      basicPaid: yuan(basic),
      criticalPaid: yuan(critical),
      otherPaid: '0.00',
    };
  });
}

/** A timed pass of `settleClaim` requests. */
export interface SettleRun {
  requests: number;
  seconds: number;
  /** Milliseconds per request, ascending. */
  latencies: number[];
  /** Requests answered with errors (or none at all). */
  failed: number;
  /** Error messages (with their code) and how often each came. */
  errors: Map<string, number>;
  /** The record id each claim id was settled as. */
  ids: Map<string, string>;
  /** When (epoch ms) the answer of each settled claim id arrived: its transaction had committed by then. */
  answeredAt: Map<string, number>;
}

const SETTLE = 'mutation Settle($input: ClaimInput!) { settleClaim(input: $input) { id } }';

/** Settles `claims` over HTTP, `concurrency` requests in flight, each timed end to end; progress on stderr. */
export async function settleAll(
  hub: BenchHub,
  token: string,
  claims: readonly Claim[],
  concurrency: number,
  label: string,
): Promise<SettleRun> {
  const run: SettleRun = {
    requests: claims.length,
    seconds: 0,
    latencies: [],
    failed: 0,
    errors: new Map(),
    ids: new Map(),
    answeredAt: new Map(),
  };
  const fail = (...messages: string[]) => {
    run.failed += 1;
    for (const message of messages) run.errors.set(message, (run.errors.get(message) ?? 0) + 1);
  };
  let next = 0;
  const worker = async () => {
    while (next < claims.length) {
      const claim = claims[next++]!;
      const started = performance.now();
      try {
        const answer = await hub.request(token, 'SETTLEMENT', SETTLE, { input: claim });
        run.latencies.push(performance.now() - started);
        const id = (answer.data?.settleClaim as { id: string } | null | undefined)?.id;
        if (answer.errors?.length) fail(...answer.errors.map((error) => `${error.extensions?.code ?? answer.status}: ${error.message}`));
        else if (!id) fail(`HTTP ${answer.status} without a record`);
        else {
          run.ids.set(claim.claimId, id);
          run.answeredAt.set(claim.claimId, Date.now());
        }
      } catch (error) {
        run.latencies.push(performance.now() - started);
        fail(error instanceof Error ? error.message : String(error));
      }
      const done = run.latencies.length;
      if (done % 250 === 0 || done === claims.length) process.stderr.write(`  ${label}: ${done}/${claims.length}\r`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  run.seconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  run.latencies.sort((a, b) => a - b);
  return run;
}

/** The `q` quantile of an ascending list. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** One line: rate, latency percentiles and error count of a run; then each distinct error, if any. */
export function describeRun(label: string, run: SettleRun, extra = ''): string {
  const ms = (q: number) => percentile(run.latencies, q).toFixed(1);
  const lines = [
    `${label}: ${run.requests} requests in ${run.seconds.toFixed(1)} s = ${(run.requests / run.seconds).toFixed(1)}/s; ` +
      `latency p50 ${ms(0.5)} ms, p95 ${ms(0.95)} ms, p99 ${ms(0.99)} ms, max ${ms(1)} ms; errors ${run.failed}${extra}`,
  ];
  for (const [message, count] of run.errors) lines.push(`  ${count} × ${message}`);
  return lines.join('\n');
}
