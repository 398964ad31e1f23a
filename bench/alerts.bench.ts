/**
 * High-cost alerts from their commit to an agency's webhook. On a fresh
 * embedded database with `--persons` seeded (Zhangye, 2024), the hub is served
 * over HTTP with its alert outbox, civil affairs and rural revitalization of
 * Zhangye register webhooks pointing at a local receiver (204, recording when
 * each delivery arrived and its alert), and the dispatcher runs in process
 * (8 jobs at a time, polling every 200 ms, on a pool of its own as under
 * `hub dispatch`). Then
 *   (a) a medical-insurance client settles one pseudo-random December 2024
 *       claim for each of 5 % of the persons (distinct, drawn with a seeded
 *       PRNG) over HTTP, 8 requests in flight;
 *   (b) the seeder's alerts are forgotten (as after importing a year of
 *       claims) and the monitoring runs of every month of 2024 go over every
 *       person, raising them again;
 *   (c) the outbox is awaited until drained (no job left, no delivery
 *       pending), the monitoring run is repeated (it must raise nothing),
 *       and each delivery is timed from its alert's `raised_at` (the start
 *       of the transaction that committed it) and from the `settleClaim`
 *       answer that raised it to its receipt: the commit lies in between.
 * Prints figures to stdout and progress to stderr; asserts nothing.
 *
 *   npm run bench:alerts -- [--persons N]
 */
import './production.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { MonitoringService } from '../src/modules/alert/monitoring.service.js';
import { WEBHOOK_HEADERS } from '../src/modules/webhook/webhook.signature.js';
import { createRepositories } from '../src/server/context.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { startDispatcher, type Dispatcher } from '../src/server/dispatcher.js';
import { WebhookTargets } from '../src/modules/webhook/webhook.target.js';
import { JobQueue } from '../src/server/job-queue.js';
import { createDb } from '../src/server/prisma.js';
import { Random } from '../src/modules/seed/random.js';
import { describeRun, generateClaims, percentile, seededPersons, settleAll, startBenchHub } from './claims.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({ options: { persons: { type: 'string', default: '100000' } } });
const persons = Number(values.persons);
const CLAIM_SHARE = 0.05;
const CONCURRENCY = 8;
/** The monitoring runs of the whole year, as after importing a year of claims that no rule has judged yet. */
const MONTHS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const DRAIN_TIMEOUT_MS = 600_000;
const REGISTER = 'mutation Register($url: String!) { registerWebhook(url: $url) { webhook { id } } }';

/** A webhook receiver as an agency would run one: 204 to every POST, the first receipt of each delivery id kept. */
async function startReceiver() {
  const receipts = new Map<string, { alertId: string; at: number }>();
  let posts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      posts += 1;
      const deliveryId = String(req.headers[WEBHOOK_HEADERS.delivery]);
      const { alert } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert: { id: string } };
      if (!receipts.has(deliveryId)) receipts.set(deliveryId, { alertId: alert.id, at });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    receipts,
    posts: () => posts,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

await withSeededDatabase(persons, async (bench) => {
  const { db, pool, seeded } = bench;
  process.stderr.write('\n');
  console.log(
    `seed: ${seeded.persons} persons, ${seeded.benefits} benefits, ${seeded.alerts} alerts in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.persons / seeded.seconds)} persons/s)`,
  );
  const receiver = await startReceiver();
  const queue = new JobQueue(8);
  // The receiver listens on loopback, as HUB_WEBHOOK_ALLOW_PRIVATE=1 allows.
  const targets = new WebhookTargets({ allowPrivate: true });
  const repositories = createRepositories(db, AuditKeyRing.generate(), queue, targets);
  const hub = await startBenchHub(bench, repositories);
  // Jobs plus graphile-worker's LISTEN and the dispatcher's lock.
  const dispatch = createDb(pool.options.connectionString!, { poolSize: CONCURRENCY + 4 });
  let dispatcher: Dispatcher | null = null;
  let sampling = true;
  let sampler: Promise<void> = Promise.resolve();
  try {
    const insurance = await hub.token('MEDICAL_INSURANCE', '62');
    for (const agency of ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'] as const) {
      const answer = await hub.request(await hub.token(agency, '6207'), 'MONITORING_FOLLOW_UP', REGISTER, { url: receiver.url });
      if (answer.errors) throw new Error(`registerWebhook as ${agency}: ${JSON.stringify(answer.errors)}`);
    }
    dispatcher = await startDispatcher(dispatch.pool, createRepositories(dispatch.db, AuditKeyRing.generate(), queue, targets), queue, {
      maxAttempts: 8,
      timeoutMs: 5_000,
      pollInterval: 200,
      concurrency: CONCURRENCY,
    });

    // What is left in the outbox, sampled in the background for its peak.
    const outbox = async () => {
      const { rows } = await pool.query<{ jobs: number; open: number; dead: number }>(
        `SELECT (SELECT count(*)::int FROM graphile_worker.jobs) AS jobs,
           (SELECT count(*)::int FROM webhook_delivery WHERE status = 'PENDING') AS open,
           (SELECT count(*)::int FROM webhook_delivery WHERE status = 'DEAD') AS dead`,
      );
      return rows[0]!;
    };
    const peak = { jobs: 0, open: 0 };
    sampler = (async () => {
      while (sampling) {
        const { jobs, open } = await outbox();
        peak.jobs = Math.max(peak.jobs, jobs);
        peak.open = Math.max(peak.open, open);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })().catch((error: unknown) => void process.stderr.write(`outbox sampling stopped: ${String(error)}\n`));

    // The seeder raised the alerts of its visits; forgetting them makes the monitoring runs raise them again, as after an import.
    const { rowCount: forgotten } = await pool.query('DELETE FROM alert');
    console.log(`seeded alerts removed, for the monitoring runs to raise: ${forgotten}`);

    // (a) One claim each for a sample of distinct persons (a partial Fisher–Yates shuffle).
    const candidates = await seededPersons(pool);
    const random = new Random(20_241_231);
    const count = Math.round(CLAIM_SHARE * candidates.length);
    for (let i = 0; i < count; i += 1) {
      const j = i + Math.floor(random.next() * (candidates.length - i));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    const tag = `ALERTS-${Date.now().toString(36)}`;
    const claims = generateClaims(candidates.slice(0, count), tag, random);
    const cpu = process.cpuUsage();
    const settled = await settleAll(hub, insurance, claims, CONCURRENCY, 'settling');
    const { user, system } = process.cpuUsage(cpu);
    const { rows } = await pool.query<{ alerts: number }>(
      `SELECT count(*)::int AS alerts FROM alert a JOIN benefit_record r ON r.id = a.benefit_id WHERE r.claim_id LIKE $1`,
      [`${tag}-%`],
    );
    console.log(
      describeRun(
        `(a) settleClaim, one claim each for ${count} persons (${CLAIM_SHARE * 100} % of ${candidates.length}), concurrency ${CONCURRENCY}`,
        settled,
        `; ${rows[0]!.alerts} alerts raised; ${((user + system) / 1000 / count).toFixed(1)} ms CPU of this process (hub, client, dispatcher) per request`,
      ),
    );

    // (b) The month's monitoring run over every region, then again.
    const monitoring = new MonitoringService(repositories.monitoring, repositories.alertStore);
    const monthRun = async (label: string) => {
      const started = performance.now();
      const total = { persons: 0, visits: 0, raised: 0 };
      for (const month of MONTHS) {
        const report = await monitoring.run(month, '', (evaluated) =>
          process.stderr.write(`  ${label} ${month}: ${evaluated} persons evaluated\r`),
        );
        total.persons += report.persons;
        total.visits += report.visits;
        total.raised += report.raised;
      }
      process.stderr.write('\n');
      return { ...total, seconds: (performance.now() - started) / 1000 };
    };
    const first = await monthRun('monitoring run');
    const monitoredAt = performance.now();
    const rate = (n: number) => (n / first.seconds).toFixed(0);
    console.log(
      `(b) monitoring runs 2024-01…12: ${first.persons} person-months evaluated (persons with a record in 2024) in ${first.seconds.toFixed(1)} s = ${rate(first.persons)}/s; ` +
        `${first.visits} visits judged (${rate(first.visits)}/s); ${first.raised} alerts raised (${rate(first.raised)}/s)`,
    );

    // (c) Drained: no job left (a fan-out not yet run would add deliveries), no delivery pending.
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let left = await outbox();
    while ((left.jobs > 0 || left.open > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await outbox();
    }
    const drainedAt = performance.now();
    const second = await monthRun('second run');
    console.log(`    second run: ${second.raised} alerts raised, ${second.persons} persons in ${second.seconds.toFixed(1)} s`);
    if (left.jobs > 0 || left.open > 0) {
      console.log(`(c) outbox NOT drained after ${DRAIN_TIMEOUT_MS / 1000} s: ${left.jobs} jobs, ${left.open} deliveries pending`);
      const { rows: stuck } = await pool.query<{ task: string; attempts: number; error: string | null; n: number }>(
        `SELECT task_identifier AS task, attempts, last_error AS error, count(*)::int AS n FROM graphile_worker.jobs GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 5`,
      );
      for (const job of stuck) console.log(`  ${job.n} × ${job.task} after ${job.attempts} attempts: ${job.error ?? 'not run yet'}`);
    }

    // Stages of a delivery: the alert's transaction began (raised_at), the fan-out made the delivery (created_at), the receiver got it.
    const { rows: deliveries } = await pool.query<{
      id: string;
      alertId: string;
      status: string;
      raisedAt: Date;
      createdAt: Date;
      claimId: string | null;
    }>(
      `SELECT d.id, d.alert_id AS "alertId", d.status, a.raised_at AS "raisedAt", d.created_at AS "createdAt", r.claim_id AS "claimId"
       FROM webhook_delivery d JOIN alert a ON a.id = d.alert_id LEFT JOIN benefit_record r ON r.id = a.benefit_id`,
    );
    const stages = { raised: [] as number[], answered: [] as number[], fanOut: [] as number[], deliver: [] as number[] };
    const receivedAt: number[] = [];
    for (const delivery of deliveries) {
      const receipt = receiver.receipts.get(delivery.id);
      if (!receipt) continue;
      receivedAt.push(receipt.at);
      stages.raised.push(receipt.at - delivery.raisedAt.getTime());
      stages.fanOut.push(delivery.createdAt.getTime() - delivery.raisedAt.getTime());
      stages.deliver.push(receipt.at - delivery.createdAt.getTime());
      const answeredAt = delivery.claimId === null ? undefined : settled.answeredAt.get(delivery.claimId);
      if (answeredAt !== undefined) stages.answered.push(receipt.at - answeredAt);
    }
    for (const list of Object.values(stages)) list.sort((a, b) => a - b);
    const ms = (list: number[]) => `p50 ${percentile(list, 0.5)} ms, p99 ${percentile(list, 0.99)} ms`;
    const span = (Math.max(...receivedAt) - Math.min(...receivedAt)) / 1000;
    const lastReceipt = Math.max(...receivedAt) - Math.max(...settled.answeredAt.values());
    const delivered = deliveries.filter((d) => d.status === 'DELIVERED').length;
    console.log(
      `(c) ${deliveries.length} webhook deliveries (${delivered} DELIVERED, ${left.dead} DEAD) of ${new Set(deliveries.map((d) => d.alertId)).size} alerts, ` +
        `${receiver.receipts.size} received (${receiver.posts()} POSTs); raised_at → receipt ${ms(stages.raised)}, max ${percentile(stages.raised, 1)} ms`,
    );
    // The commit lies between raised_at (its transaction's start) and the settleClaim answer.
    console.log(
      `    settleClaim answer → receipt ${ms(stages.answered)} (${stages.answered.length} deliveries); ` +
        `stages: raised_at → delivery created (fan-out) ${ms(stages.fanOut)}, created → receipt ${ms(stages.deliver)}`,
    );
    console.log(
      `    outbox drained ${((drainedAt - monitoredAt) / 1000).toFixed(1)} s after the first monitoring run ended; ` +
        `last receipt ${lastReceipt >= 0 ? `${lastReceipt} ms after` : `${-lastReceipt} ms before`} the last settleClaim answer; ` +
        `${(receivedAt.length / span).toFixed(1)} deliveries/s from first to last receipt (${span.toFixed(1)} s); peak backlog ${peak.jobs} jobs, ${peak.open} deliveries pending`,
    );
  } finally {
    sampling = false;
    await sampler;
    await dispatcher?.stop();
    await dispatch.db.$disconnect();
    await dispatch.pool.end();
    await hub.close();
    await receiver.close();
  }
  const load = os.loadavg().map((average) => average.toFixed(2));
  console.log(`node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model}), load average ${load.join(' ')}`);
});
