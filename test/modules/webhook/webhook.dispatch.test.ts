import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/modules/webhook/webhook.signature.js';
import { startDispatcher, type Dispatcher } from '../../../src/server/dispatcher.js';
import { REPO_ROOT } from '../../fixtures/policy-cases.js';
import { inpatientClaim, SETTLE } from '../../support/claims.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { startReceiver } from '../../support/receiver.js';

let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let rural: { clientId: string; token: string };
let jiaxing: { clientId: string; token: string };
const secrets = new Map<string, string>();

const REGISTER = `mutation ($url: String!) { registerWebhook(url: $url) { webhook { id url } secret } }`;
const DEAD = `query { webhookDeliveries(status: DEAD) { id alertId status attempts lastError } }`;
const REPLAY = `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts } }`;
const MAX_ATTEMPTS = 2;

/** Settles a rural stay that raises gansu-2023/rural-other-stay (targets civil affairs and rural revitalization); returns the alert id. */
async function raiseAlert(claimId: string): Promise<string> {
  const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
  const input = inpatientClaim(person.id, claimId);
  const settled = await hub.requestText(SETTLE, { input }, { token: insurance.token, purpose: 'SETTLEMENT' });
  expect(settled.errors).toBeUndefined();
  return (await hub.db.alert.findFirstOrThrow({ where: { personId: person.id } })).id;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** graphile-worker waits e^attempts seconds before a retry; tests move the retry to now. */
async function retryNow(): Promise<void> {
  await hub.db.$executeRaw`SELECT graphile_worker.reschedule_jobs(array(SELECT id FROM graphile_worker.jobs), run_at => now())`;
}

async function register(token: string, url = receiver.url): Promise<string> {
  const answer = await hub.requestText(REGISTER, { url }, { token, purpose: 'MONITORING_FOLLOW_UP' });
  expect(answer.errors).toBeUndefined();
  const { webhook, secret } = answer.data!.registerWebhook as { webhook: { id: string }; secret: string };
  secrets.set(webhook.id, secret);
  return webhook.id;
}

beforeAll(async () => {
  // The receiver listens on loopback: these tests run as HUB_WEBHOOK_ALLOW_PRIVATE=1 does (webhook.targets.test.ts runs without).
  hub = await startTestHub({ webhookMaxAttempts: MAX_ATTEMPTS, webhookAllowPrivate: true });
  receiver = await startReceiver();
  insurance = await hub.client('MEDICAL_INSURANCE', '62');
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
  rural = await hub.client('RURAL_REVITALIZATION', '6207');
  jiaxing = await hub.client('CIVIL_AFFAIRS', '3304');
  for (const client of [civil, rural, jiaxing]) await register(client.token);
});

afterAll(async () => {
  await receiver.close();
  await hub.close();
});

describe('webhook delivery', () => {
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: MAX_ATTEMPTS,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
  });
  afterAll(() => dispatcher.stop());

  it('POSTs a raised alert, signed, to the webhooks of its target agencies within their rows, and marks it delivered', async () => {
    const alertId = await raiseAlert('W-OK-1');
    const deliveries = await until(
      () => hub.db.webhookDelivery.findMany({ where: { alertId }, include: { webhook: true } }),
      (rows) => rows.length === 2 && rows.every((row) => row.status === 'DELIVERED'),
    );
    // Civil affairs and rural revitalization of Zhangye; Jiaxing's civil affairs holds no row of this person.
    expect(deliveries.map((d) => d.webhook.clientId).sort()).toEqual([civil.clientId, rural.clientId].sort());
    for (const delivery of deliveries) {
      const post = receiver.processed.get(delivery.id)!;
      expect(verifyWebhook(secrets.get(delivery.webhookId)!, post.timestamp, post.body, post.signature)).toBe(true);
      expect(verifyWebhook('another secret', post.timestamp, post.body, post.signature)).toBe(false);
      expect(JSON.parse(post.body)).toMatchObject({
        deliveryId: delivery.id,
        event: 'alert.raised',
        alert: { id: alertId, amount: '20000.00' },
      });
    }
    const alert = await hub.db.alert.findUniqueOrThrow({ where: { id: alertId }, include: { deliveries: true } });
    expect(alert.status).toBe('DELIVERED');
    expect(alert.deliveries.map((d) => [d.agency, d.channel]).sort()).toEqual([
      ['CIVIL_AFFAIRS', 'WEBHOOK'],
      ['RURAL_REVITALIZATION', 'WEBHOOK'],
    ]);
    const audited = await hub.db.auditEntry.findMany({ where: { operationName: 'webhook alert.raised', clientId: civil.clientId } });
    expect(audited.some((entry) => entry.personIds.includes(alert.personId))).toBe(true);
  });

  it('retries a failing endpoint, gives up after the last attempt, shows the dead letter, and replays it with the same delivery id', async () => {
    receiver.setMode('fail');
    const before = receiver.received.length;
    const alertId = await raiseAlert('W-DEAD-1');
    await receiver.waitFor(before + 2);
    await retryNow();
    const dead = await until(
      () => hub.db.webhookDelivery.findMany({ where: { alertId } }),
      (rows) => rows.length === 2 && rows.every((row) => row.status === 'DEAD'),
    );
    expect(dead.every((row) => row.attempts === MAX_ATTEMPTS)).toBe(true);
    const letters = await hub.requestText(DEAD, {}, { token: civil.token, purpose: 'MONITORING_FOLLOW_UP' });
    const mine = (letters.data!.webhookDeliveries as { id: string; alertId: string; lastError: string }[]).filter(
      (d) => d.alertId === alertId,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]!.lastError).toBe('HTTP 5xx');

    receiver.setMode('ok');
    const replayed = await hub.requestText(REPLAY, { id: mine[0]!.id }, { token: civil.token, purpose: 'MONITORING_FOLLOW_UP' });
    expect(replayed.data!.replayWebhookDelivery).toMatchObject({ id: mine[0]!.id, status: 'PENDING', attempts: 0 });
    await until(
      () => hub.db.webhookDelivery.findUniqueOrThrow({ where: { id: mine[0]!.id } }),
      (row) => row.status === 'DELIVERED',
    );
    expect(receiver.processed.has(mine[0]!.id)).toBe(true);
    const foreign = await hub.requestText(REPLAY, { id: mine[0]!.id }, { token: rural.token, purpose: 'MONITORING_FOLLOW_UP' });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'id' });
  });
});

describe('slow endpoints', () => {
  it('do not delay another agency’s delivery of an alert while their POSTs hang', async () => {
    const slow = await startReceiver();
    slow.setMode('stall');
    const slowHooks: string[] = [];
    // Six civil-affairs endpoints that never answer: more than graphile-worker's old four slots.
    for (let i = 0; i < 6; i += 1) slowHooks.push(await register((await hub.client('CIVIL_AFFAIRS', '6207')).token, slow.url));
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: MAX_ATTEMPTS,
      timeoutMs: 60_000,
      pollInterval: 200,
    });
    try {
      const first = await raiseAlert('W-SLOW-1');
      await slow.waitFor(6);
      // Every slow endpoint now holds a POST of the first alert; the next alert's other deliveries must not wait for them.
      const second = await raiseAlert('W-SLOW-2');
      const started = Date.now();
      const fast = await until(
        () => hub.db.webhookDelivery.findMany({ where: { alertId: second, webhookId: { notIn: slowHooks } }, include: { webhook: true } }),
        (rows) => rows.length === 2 && rows.every((row) => row.status === 'DELIVERED'),
      );
      expect(fast.map((row) => row.webhook.clientId).sort()).toEqual([civil.clientId, rural.clientId].sort());
      expect(Date.now() - started).toBeLessThan(60_000);
      const hanging = await hub.db.webhookDelivery.findMany({ where: { alertId: first, webhookId: { in: slowHooks } } });
      expect(hanging).toHaveLength(6);
      expect(hanging.every((row) => row.status === 'PENDING' && row.attempts === 0)).toBe(true);
    } finally {
      await hub.db.webhook.updateMany({ where: { id: { in: slowHooks } }, data: { disabledAt: new Date() } });
      await slow.close();
      await dispatcher.stop();
    }
  });
});

describe('who may receive pushes', () => {
  it('refuses webhooks to an agency that receives no pushes: the mutation is not in its schema', async () => {
    const charity = await hub.client('CHARITY', '6207');
    const answer = await hub.requestText(REGISTER, { url: receiver.url }, { token: charity.token, purpose: 'CHARITY_AID' });
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await hub.db.webhook.count({ where: { clientId: charity.clientId } })).toBe(0);
  });

  it('sends no alert to a webhook of a client that does not declare the follow-up purpose', async () => {
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 2,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      const eligibility = await hub.client('CIVIL_AFFAIRS', '6207', ['ASSISTANCE_ELIGIBILITY']);
      const answer = await hub.requestText(
        REGISTER,
        { url: receiver.url },
        { token: eligibility.token, purpose: 'ASSISTANCE_ELIGIBILITY' },
      );
      expect(answer.errors).toBeUndefined();
      const alertId = await raiseAlert('W-PURPOSE-1');
      await until(
        () => hub.db.webhookDelivery.findMany({ where: { alertId } }),
        (rows) => rows.length === 2 && rows.every((row) => row.status === 'DELIVERED'),
      );
      expect(await hub.db.webhookDelivery.count({ where: { alertId, webhook: { clientId: eligibility.clientId } } })).toBe(0);
    } finally {
      await dispatcher.stop();
    }
  });

  it('stops retrying to a client disabled meanwhile: its delivery is dead, not sent again', async () => {
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 5,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      const leaving = await hub.client('CIVIL_AFFAIRS', '620702');
      const webhookId = await register(leaving.token);
      receiver.setMode('fail');
      const before = receiver.received.length;
      const alertId = await raiseAlert('W-DISABLED-1');
      const [delivery] = await until(
        () => hub.db.webhookDelivery.findMany({ where: { alertId, webhookId } }),
        (rows) => rows.length === 1 && rows[0]!.attempts === 1,
      );
      await hub.clients.disable(leaving.clientId);
      const sentToIt = () => receiver.received.filter((post) => post.deliveryId === delivery!.id).length;
      const sentBefore = sentToIt();
      receiver.setMode('ok');
      await retryNow();
      const dead = await until(
        () => hub.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery!.id } }),
        (row) => row.status === 'DEAD',
      );
      expect(dead.lastError).toBe('the client may no longer receive this push');
      expect(sentToIt()).toBe(sentBefore);
      expect(receiver.received.length).toBeGreaterThan(before);
    } finally {
      receiver.setMode('ok');
      await dispatcher.stop();
    }
  });
});

describe('a dispatcher killed between commit and delivery', () => {
  let dataDir: string;
  const spawnDispatcher = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/hub.js'), 'dispatch'], {
      env: {
        ...process.env,
        DATABASE_URL: hub.databaseUrl,
        HUB_DATA_DIR: dataDir,
        HUB_WEBHOOK_MAX_ATTEMPTS: '5',
        HUB_WEBHOOK_ALLOW_PRIVATE: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('dispatcher running')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`dispatcher exited with ${code}: ${log}`)));
    });
    return child;
  };
  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-dispatch-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('delivers every committed alert after a restart, each delivery processed once by the receiver', async () => {
    receiver.setMode('stall');
    const first = await spawnDispatcher();
    const inFlight = await raiseAlert('W-KILL-1');
    // Wait for a POST of this alert, not for any POST: a late delivery left over from an
    // earlier test must not let the kill happen before this alert's POST hangs.
    await until(
      () => Promise.resolve(receiver.received.filter((post) => post.body.includes(inFlight)).length),
      (count) => count >= 1,
      15_000,
    );
    // Killed while a POST hangs: the job stays locked by a dead worker, the receiver never answered.
    await kill(first);
    // Committed while no dispatcher runs: only the outbox knows of it.
    const whileDown = await raiseAlert('W-KILL-2');

    receiver.setMode('ok');
    const second = await spawnDispatcher();
    try {
      const rows = await until(
        () => hub.db.webhookDelivery.findMany({ where: { alertId: { in: [inFlight, whileDown] } } }),
        (found) => found.length === 4 && found.every((row) => row.status === 'DELIVERED'),
        30_000,
      );
      for (const row of rows) expect(receiver.processed.has(row.id)).toBe(true);
      const alertsProcessed = [...receiver.processed.values()].map((post) => (JSON.parse(post.body) as { alert: { id: string } }).alert.id);
      expect(alertsProcessed.filter((id) => id === inFlight)).toHaveLength(2);
      expect(alertsProcessed.filter((id) => id === whileDown)).toHaveLength(2);
      // The hung POST came again under the same delivery id: a repeat the receiver recognises, not a second alert.
      const inFlightPosts = receiver.received.filter((post) => post.body.includes(inFlight));
      expect(new Set(inFlightPosts.map((post) => post.deliveryId)).size).toBe(2);
      expect(inFlightPosts.length).toBeGreaterThan(2);
    } finally {
      await kill(second);
    }
  }, 60_000);
});
