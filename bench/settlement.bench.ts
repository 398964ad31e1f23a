/**
 * `settleClaim` end to end: on a fresh embedded database with `--persons`
 * seeded (Zhangye, 2024), the hub is served over HTTP with its alert outbox
 * (no dispatcher), and a medical-insurance client of Gansu settles distinct
 * pseudo-random December 2024 claims of seeded persons (drawn with
 * replacement, so that a person's claims now and then queue on its lock):
 * `--claims` one request at a time, then `--claims` more `--concurrency` at a
 * time, after a warm-up; then it replays `--claims` of the settled ones with
 * the same id and content (the idempotent retry). Prints requests/s,
 * p50/p95/p99 latency, errors (each printed when there are any), SQL
 * statements per request counted at the driver and the CPU time this process
 * (hub and HTTP client alike) spent per request; progress on stderr; asserts
 * nothing.
 *
 *   npm run bench:settlement -- [--persons N] [--claims N] [--concurrency N]
 */
import './production.js';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createRepositories } from '../src/server/context.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { JobQueue } from '../src/server/job-queue.js';
import type { StatementCounter } from '../src/server/prisma.js';
import { Random } from '../src/modules/seed/random.js';
import { describeRun, generateClaims, seededPersons, settleAll, startBenchHub, type Claim } from './claims.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '20000' },
    claims: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const persons = Number(values.persons);
const claims = Number(values.claims);
const concurrency = Number(values.concurrency);
const WARM_UP = 50;

const counter: StatementCounter = { count: 0, statements: [] };
await withSeededDatabase(
  persons,
  async (bench) => {
    const { seeded, pool } = bench;
    process.stderr.write('\n');
    console.log(
      `seed: ${seeded.persons} persons, ${seeded.benefits} benefits, ${seeded.alerts} alerts in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.persons / seeded.seconds)} persons/s)`,
    );
    const hub = await startBenchHub(bench, createRepositories(bench.db, AuditKeyRing.generate(), new JobQueue(8)));
    try {
      const token = await hub.token('MEDICAL_INSURANCE', '62');
      const candidates = await seededPersons(pool);
      const random = new Random(20_241_201);
      // A run's own claim ids: a second run on a kept database would otherwise only replay.
      const tag = `BENCH-${Date.now().toString(36)}`;
      const drawn = Array.from({ length: WARM_UP + 2 * claims }, () => candidates[Math.floor(random.next() * candidates.length)]!);
      const all = generateClaims(drawn, tag, random);

      const timed = async (label: string, list: readonly Claim[], inFlight: number) => {
        counter.count = 0;
        counter.statements.length = 0;
        const cpu = process.cpuUsage();
        const run = await settleAll(hub, token, list, inFlight, label);
        const { user, system } = process.cpuUsage(cpu);
        const perRequest = `; ${(counter.count / list.length).toFixed(1)} SQL statements and ${((user + system) / 1000 / list.length).toFixed(1)} ms CPU of this process (hub and client) per request`;
        console.log(describeRun(label, run, perRequest));
        return run;
      };
      const warmUp = await settleAll(hub, token, all.slice(0, WARM_UP), concurrency, 'warm-up'); // plan caches, JIT, rule sets
      if (warmUp.failed > 0) console.log(describeRun('warm-up', warmUp));
      const serial = await timed('settleClaim, concurrency 1', all.slice(WARM_UP, WARM_UP + claims), 1);
      const parallel = await timed(`settleClaim, concurrency ${concurrency}`, all.slice(WARM_UP + claims), concurrency);

      // Replays of settled claims in a shuffled order, so that they do not walk the records as they were inserted.
      const settled = new Map([...serial.ids, ...parallel.ids]);
      const replays = all.filter((claim) => settled.has(claim.claimId));
      for (let i = replays.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random.next() * (i + 1));
        [replays[i], replays[j]] = [replays[j]!, replays[i]!];
      }
      const replayed = await timed(`idempotent replay, concurrency ${concurrency}`, replays.slice(0, claims), concurrency);
      const other = [...replayed.ids].filter(([claimId, id]) => settled.get(claimId) !== id).length;
      if (other > 0) console.log(`  ${other} replays answered with another record than the settlement`);

      const { rows } = await pool.query<{ claims: number; paid: number; alerts: number }>(
        `SELECT count(*)::int AS claims, count(*) FILTER (WHERE assistance_paid + tilt_paid > 0)::int AS paid,
           (SELECT count(*)::int FROM alert a JOIN benefit_record r ON r.id = a.benefit_id WHERE r.claim_id LIKE $1) AS alerts
         FROM benefit_record WHERE claim_id LIKE $1`,
        [`${tag}-%`],
      );
      const stored = rows[0]!;
      console.log(
        `stored: ${stored.claims} settlements (${((100 * stored.paid) / stored.claims).toFixed(0)} % paid assistance), ${stored.alerts} alerts raised`,
      );
    } finally {
      await hub.close();
    }
    const load = os.loadavg().map((average) => average.toFixed(2));
    console.log(`node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model}), load average ${load.join(' ')}`);
  },
  counter,
);
