import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/modules/webhook/webhook.signature.js';
import { startDispatcher } from '../../../src/server/dispatcher.js';
import { REPO_ROOT } from '../../fixtures/policy-cases.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { startReceiver } from '../../support/receiver.js';

let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let civil: { clientId: string; token: string };
let insurance: { clientId: string; token: string };
let jiaxingInsurance: { clientId: string; token: string };
let otherInsurance: { clientId: string; token: string };
let revitalization: { clientId: string; token: string };
const secrets = new Map<string, string>();
const webhookOf = new Map<string, string>();

const REGISTER = `mutation ($url: String!) { registerWebhook(url: $url) { webhook { id } secret } }`;
const CERTIFY = `mutation ($input: CertificationInput!) { certifyStatus(input: $input) { id } }`;
const REVOKE = `mutation ($id: ID!, $reason: String!, $on: Date!) { revokeStatus(id: $id, reason: $reason, effectiveOn: $on) { id } }`;
const SUBMIT = `mutation ($input: ApplicationInput!) { submitApplication(input: $input) { id decidingAgency } }`;
const DECIDE = `mutation ($id: ID!, $d: ApplicationDecision!, $note: String) { decideApplication(id: $id, decision: $d, note: $note) { id status } }`;
const ELIGIBILITY = 'ASSISTANCE_ELIGIBILITY';
let documents = 0;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function register(client: { clientId: string; token: string }): Promise<void> {
  const answer = await hub.requestText(REGISTER, { url: receiver.url }, { token: client.token, purpose: ELIGIBILITY });
  expect(answer.errors).toBeUndefined();
  const { webhook, secret } = answer.data!.registerWebhook as { webhook: { id: string }; secret: string };
  secrets.set(webhook.id, secret);
  webhookOf.set(client.clientId, webhook.id);
}

/** Civil affairs certifies 低保 for a new Ganzhou person; returns the person and the status ids. */
async function certifyNew(): Promise<{ personId: string; statusId: string }> {
  const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
  documents += 1;
  const input = { personId: person.id, category: 'MINIMUM_LIVING', class: 2, documentNo: `EV-${documents}`, validFrom: '2024-03-01' };
  const answer = await hub.requestText(CERTIFY, { input }, { token: civil.token, purpose: ELIGIBILITY });
  expect(answer.errors).toBeUndefined();
  return { personId: person.id, statusId: (answer.data!.certifyStatus as { id: string }).id };
}

/** `submitter` applies for `category` for a new Ganzhou person, the certifying agency decides; returns the ids. */
async function applyAndDecide(
  submitter: { token: string },
  category: string,
  decider: { token: string },
  decision: 'APPROVED' | 'REJECTED',
): Promise<{ personId: string; applicationId: string }> {
  const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
  const submitted = await hub.requestText(
    SUBMIT,
    { input: { personId: person.id, category, periodFrom: '2024-04-01', periodTo: '2024-12-31' } },
    { token: submitter.token, purpose: ELIGIBILITY },
  );
  expect(submitted.errors).toBeUndefined();
  const applicationId = (submitted.data!.submitApplication as { id: string }).id;
  const decided = await hub.requestText(
    DECIDE,
    { id: applicationId, d: decision, note: decision === 'REJECTED' ? '收入超过低保边缘标准' : null },
    { token: decider.token, purpose: ELIGIBILITY },
  );
  expect(decided.errors).toBeUndefined();
  return { personId: person.id, applicationId };
}

/** The events a webhook's receiver processed (once per delivery id), as their bodies; only those to `client` when given. */
const processedFor = async (subjectId: string, client?: { clientId: string }) => {
  const ids = client
    ? new Set(
        (await hub.db.webhookDelivery.findMany({ where: { webhookId: webhookOf.get(client.clientId)! }, select: { id: true } })).map(
          (row) => row.id,
        ),
      )
    : null;
  return [...receiver.processed.entries()]
    .filter(([deliveryId]) => ids === null || ids.has(deliveryId))
    .map(([, post]) => JSON.parse(post.body) as { event: string; data?: { subjectId: string; kind: string } })
    .filter((body) => body.data?.subjectId === subjectId);
};

beforeAll(async () => {
  hub = await startTestHub({ webhookMaxAttempts: 5, webhookAllowPrivate: true });
  receiver = await startReceiver();
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
  insurance = await hub.client('MEDICAL_INSURANCE', '6207');
  jiaxingInsurance = await hub.client('MEDICAL_INSURANCE', '3304');
  // A second medical-insurance client of the same city: same rows, but it submitted no application.
  otherInsurance = await hub.client('MEDICAL_INSURANCE', '6207');
  revitalization = await hub.client('RURAL_REVITALIZATION', '6207');
  // Civil affairs registers too: it certifies, it is not told of its own certifications.
  for (const client of [insurance, jiaxingInsurance, civil, otherInsurance, revitalization]) await register(client);
});

afterAll(async () => {
  await receiver.close();
  await hub.close();
});

describe('certification events by webhook', () => {
  it('tells medical insurance of the jurisdiction, signed, of a new certification and of its revocation, once each', async () => {
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 5,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      const { personId, statusId } = await certifyNew();
      const granted = await until(
        () =>
          hub.db.webhookDelivery.findMany({
            where: { event: { subjectId: statusId }, webhookId: webhookOf.get(insurance.clientId)! },
            include: { webhook: true, event: true },
          }),
        (rows) => rows.length === 1 && rows[0]!.status === 'DELIVERED',
      );
      expect(granted[0]!.webhook.clientId).toBe(insurance.clientId);
      const post = receiver.processed.get(granted[0]!.id)!;
      expect(verifyWebhook(secrets.get(granted[0]!.webhookId)!, post.timestamp, post.body, post.signature)).toBe(true);
      expect(JSON.parse(post.body)).toMatchObject({
        deliveryId: granted[0]!.id,
        event: 'certification.granted',
        data: { kind: 'certification.granted', subjectId: statusId, person: { id: personId, regionCode: '620702' } },
      });

      const revoked = await hub.requestText(
        REVOKE,
        { id: statusId, reason: '收入超过标准', on: '2024-09-30' },
        { token: civil.token, purpose: ELIGIBILITY },
      );
      expect(revoked.errors).toBeUndefined();
      await until(
        () =>
          hub.db.webhookDelivery.findMany({
            where: { event: { subjectId: statusId, kind: 'certification.revoked' }, webhookId: webhookOf.get(insurance.clientId)! },
          }),
        (rows) => rows.length === 1 && rows[0]!.status === 'DELIVERED',
      );
      expect((await processedFor(statusId, insurance)).map((body) => body.event).sort()).toEqual([
        'certification.granted',
        'certification.revoked',
      ]);
      // Each push is audited as medical insurance's read of the person, under the purpose it serves.
      const audited = await hub.db.auditEntry.findMany({ where: { clientId: insurance.clientId, personIds: { has: personId } } });
      expect(audited.map((entry) => [entry.operationName, entry.purpose]).sort()).toEqual([
        ['webhook certification.granted', ELIGIBILITY],
        ['webhook certification.revoked', ELIGIBILITY],
      ]);
      // Jiaxing's medical insurance holds no row of a Zhangye person; civil affairs is no target.
      const others = await hub.db.webhookDelivery.count({
        where: { event: { personId }, webhookId: { in: [webhookOf.get(jiaxingInsurance.clientId)!, webhookOf.get(civil.clientId)!] } },
      });
      expect(others).toBe(0);
    } finally {
      await dispatcher.stop();
    }
  });

  it('stores no event for a certification that failed', async () => {
    const before = await hub.db.hubEvent.count();
    const answer = await hub.requestText(
      CERTIFY,
      { input: { idNumber: '000000000000000000', category: 'MINIMUM_LIVING', documentNo: 'EV-BAD', validFrom: '2024-03-01' } },
      { token: civil.token, purpose: ELIGIBILITY },
    );
    expect(answer.errors).toBeDefined();
    expect(await hub.db.hubEvent.count()).toBe(before);
  });
});

describe('application decisions by webhook', () => {
  it('tells the submitting client, and no other, of the decision on its application, once', async () => {
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 5,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      // Medical insurance submits, civil affairs decides (分办转办); civil affairs submits, rural revitalization decides.
      const byInsurance = await applyAndDecide(insurance, 'MINIMUM_LIVING', civil, 'APPROVED');
      const byCivil = await applyAndDecide(civil, 'AT_RISK_MONITORED', revitalization, 'REJECTED');
      const deliveries = await until(
        () =>
          hub.db.webhookDelivery.findMany({
            where: { event: { subjectId: { in: [byInsurance.applicationId, byCivil.applicationId] } } },
            include: { webhook: true, event: true },
          }),
        (rows) => rows.length === 2 && rows.every((row) => row.status === 'DELIVERED'),
      );
      const receiverOf = (applicationId: string) =>
        deliveries.filter((row) => row.event!.subjectId === applicationId).map((row) => row.webhook.clientId);
      expect(receiverOf(byInsurance.applicationId)).toEqual([insurance.clientId]);
      expect(receiverOf(byCivil.applicationId)).toEqual([civil.clientId]);

      const decisions = [
        { ...byInsurance, decision: 'APPROVED', decisionNote: null },
        { ...byCivil, decision: 'REJECTED', decisionNote: '收入超过低保边缘标准' },
      ];
      for (const { personId, applicationId, decision, decisionNote } of decisions) {
        const bodies = await processedFor(applicationId);
        expect(bodies).toHaveLength(1);
        // The submitter is told the decision (and why, when the decider said), not only that there is one.
        expect(bodies[0]).toMatchObject({
          event: 'application.decided',
          data: {
            kind: 'application.decided',
            subjectId: applicationId,
            person: { id: personId, regionCode: '620702' },
            decision,
            decisionNote,
          },
        });
        const delivery = deliveries.find((row) => row.event!.subjectId === applicationId)!;
        const post = receiver.processed.get(delivery.id)!;
        expect(verifyWebhook(secrets.get(delivery.webhookId)!, post.timestamp, post.body, post.signature)).toBe(true);
      }
      // The submitter can read the decision it was told of.
      const read = await hub.requestText(
        `query { applications(status: APPROVED) { edges { node { id status } } } }`,
        {},
        { token: insurance.token, purpose: ELIGIBILITY },
      );
      expect(read.data!.applications).toMatchObject({ edges: [{ node: { id: byInsurance.applicationId, status: 'APPROVED' } }] });

      // The other medical-insurance client holds the same persons but submitted nothing; the deciders are not told of their own decisions.
      const elsewhere = await hub.db.webhookDelivery.count({
        where: {
          event: { kind: 'application.decided' },
          webhookId: {
            in: [otherInsurance, revitalization, jiaxingInsurance].map((client) => webhookOf.get(client.clientId)!),
          },
        },
      });
      expect(elsewhere).toBe(0);
      expect(receiver.received.filter((post) => post.body.includes(byInsurance.applicationId))).toHaveLength(1);
    } finally {
      await dispatcher.stop();
    }
  });

  it('records no event for a submission, nor for a replayed decision', async () => {
    const { applicationId } = await applyAndDecide(insurance, 'MINIMUM_LIVING', civil, 'APPROVED');
    const replay = await hub.requestText(DECIDE, { id: applicationId, d: 'APPROVED' }, { token: civil.token, purpose: ELIGIBILITY });
    expect(replay.errors).toBeUndefined();
    expect(await hub.db.hubEvent.findMany({ where: { subjectId: applicationId }, select: { kind: true } })).toEqual([
      { kind: 'application.decided' },
    ]);
  });
});

describe('a dispatcher killed while an event is on its way', () => {
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
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-events-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('delivers every committed certification and decision after a restart, each processed once by the receiver', async () => {
    receiver.setMode('stall');
    const first = await spawnDispatcher();
    // A decision goes to its submitter alone: one delivery, whose POST hangs.
    const inFlight = await applyAndDecide(insurance, 'MINIMUM_LIVING', civil, 'APPROVED');
    const hung = (await until(
      async () => receiver.received.find((post) => post.body.includes(inFlight.applicationId)),
      (post) => post !== undefined,
      40_000,
    ))!.deliveryId;
    // Killed while the POST hangs; then a certification and a decision committed while no dispatcher runs.
    await kill(first);
    const whileDown = await certifyNew();
    const decidedWhileDown = await applyAndDecide(civil, 'AT_RISK_MONITORED', revitalization, 'REJECTED');

    receiver.setMode('ok');
    const second = await spawnDispatcher();
    try {
      // Both medical-insurance clients of the city hear of the certification; the submitter alone of each decision.
      await until(
        () =>
          hub.db.webhookDelivery.findMany({
            where: { event: { subjectId: { in: [inFlight.applicationId, whileDown.statusId, decidedWhileDown.applicationId] } } },
          }),
        (rows) => rows.length === 4 && rows.every((row) => row.status === 'DELIVERED'),
        45_000,
      );
      expect(await processedFor(inFlight.applicationId, insurance)).toHaveLength(1);
      expect(await processedFor(inFlight.applicationId)).toHaveLength(1);
      for (const client of [insurance, otherInsurance]) expect(await processedFor(whileDown.statusId, client)).toHaveLength(1);
      expect(await processedFor(decidedWhileDown.applicationId, civil)).toHaveLength(1);
      expect(await processedFor(decidedWhileDown.applicationId)).toHaveLength(1);
      // The hung POST came again under its delivery id: a repeat the receiver dropped, not a second event.
      expect(receiver.received.filter((post) => post.deliveryId === hung).length).toBeGreaterThan(1);
      expect(JSON.parse(receiver.processed.get(hung)!.body)).toMatchObject({
        event: 'application.decided',
        data: { subjectId: inFlight.applicationId },
      });
    } finally {
      await kill(second);
    }
  }, 90_000);
});
