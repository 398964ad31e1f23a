import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedAddress } from '../../../src/modules/webhook/webhook.target.js';
import { startDispatcher } from '../../../src/server/dispatcher.js';
import { inpatientClaim, SETTLE } from '../../support/claims.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { startReceiver } from '../../support/receiver.js';

// As in production: HUB_WEBHOOK_ALLOW_PRIVATE is off. Names resolve through a fake DNS the test controls.
const dns = new Map<string, ResolvedAddress[]>();
const PUBLIC = [{ address: '93.184.216.34', family: 4 }];
let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let port: number;
let refusedClient: { clientId: string; token: string };

const REGISTER = `mutation ($url: String!) { registerWebhook(url: $url) { webhook { id url } } }`;
const REMOVE = `mutation ($id: ID!) { removeWebhook(id: $id) { id } }`;
const DELIVERIES = `query { webhookDeliveries { id alertId status attempts lastError } }`;
const FOLLOW_UP = 'MONITORING_FOLLOW_UP';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  hub = await startTestHub({
    webhookMaxAttempts: 2,
    resolve: async (name) => {
      const known = dns.get(name);
      if (!known) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return known;
    },
  });
  receiver = await startReceiver();
  port = Number(new URL(receiver.url).port);
  refusedClient = await hub.client('CIVIL_AFFAIRS', '6207');
  dns.set('localhost', [{ address: '127.0.0.1', family: 4 }]);
});

afterAll(async () => {
  await receiver.close();
  await hub.close();
});

describe('registering a webhook without HUB_WEBHOOK_ALLOW_PRIVATE', () => {
  it.each([
    'http://127.0.0.1:5432/',
    'http://localhost:4000/graphql',
    'http://[::1]/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
  ])('refuses %s with BAD_USER_INPUT on url, storing nothing', async (url) => {
    const answer = await hub.requestText(REGISTER, { url }, { token: refusedClient.token, purpose: FOLLOW_UP });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'url' });
    expect(await hub.db.webhook.count({ where: { clientId: refusedClient.clientId } })).toBe(0);
  });

  it('accepts a name that resolves to public addresses only', async () => {
    dns.set('hooks.example.org', PUBLIC);
    const client = await hub.client('CIVIL_AFFAIRS', '6207');
    const answer = await hub.requestText(REGISTER, { url: 'https://hooks.example.org/in' }, { token: client.token, purpose: FOLLOW_UP });
    expect(answer.errors).toBeUndefined();
  });

  it('caps the webhooks of a client, also when it registers many at once, and frees a place on removal', async () => {
    dns.set('hooks.example.org', PUBLIC);
    const client = await hub.client('RURAL_REVITALIZATION', '6207');
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        hub.requestText(REGISTER, { url: `https://hooks.example.org/${i}` }, { token: client.token, purpose: FOLLOW_UP }),
      ),
    );
    const registered = answers.filter((answer) => !answer.errors);
    const refused = answers.filter((answer) => answer.errors);
    expect(registered).toHaveLength(5);
    for (const answer of refused)
      expect(answer.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'webhooksPerClient', max: 5 });
    expect(await hub.db.webhook.count({ where: { clientId: client.clientId } })).toBe(5);

    const { id } = (registered[0]!.data!.registerWebhook as { webhook: { id: string } }).webhook;
    expect((await hub.requestText(REMOVE, { id }, { token: client.token, purpose: FOLLOW_UP })).errors).toBeUndefined();
    const again = await hub.requestText(REGISTER, { url: 'https://hooks.example.org/again' }, { token: client.token, purpose: FOLLOW_UP });
    expect(again.errors).toBeUndefined();
  });
});

describe('delivering to a name that now resolves to an internal address', () => {
  it('refuses the POST at delivery: nothing reaches the address, lastError names the class only', async () => {
    // Public at registration; by delivery the partner's DNS answers 127.0.0.1, where a hub service (here, a receiver) listens.
    dns.set('rebind.example.org', PUBLIC);
    const civil = await hub.client('CIVIL_AFFAIRS', '6207');
    const registered = await hub.requestText(
      REGISTER,
      { url: `http://rebind.example.org:${port}/hook` },
      { token: civil.token, purpose: FOLLOW_UP },
    );
    expect(registered.errors).toBeUndefined();
    dns.set('rebind.example.org', [{ address: '127.0.0.1', family: 4 }]);
    // The other tests' webhooks point at a real public address: no test POSTs to the internet.
    await hub.db.webhook.updateMany({ where: { clientId: { not: civil.clientId } }, data: { disabledAt: new Date() } });

    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 2,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
      const insurance = await hub.client('MEDICAL_INSURANCE', '62');
      const settled = await hub.requestText(
        SETTLE,
        { input: inpatientClaim(person.id, 'T-REBIND-1') },
        { token: insurance.token, purpose: 'SETTLEMENT' },
      );
      expect(settled.errors).toBeUndefined();
      const alert = await hub.db.alert.findFirstOrThrow({ where: { personId: person.id } });
      const [delivery] = await until(
        () => hub.db.webhookDelivery.findMany({ where: { alertId: alert.id, webhook: { clientId: civil.clientId } } }),
        (rows) => rows.length === 1 && rows[0]!.attempts >= 1,
      );
      expect(receiver.received).toHaveLength(0);
      const seen = await hub.requestText(DELIVERIES, {}, { token: civil.token, purpose: FOLLOW_UP });
      const mine = (seen.data!.webhookDeliveries as { id: string; lastError: string }[]).find((d) => d.id === delivery!.id);
      expect(mine?.lastError).toBe('address not allowed (loopback)');
      // Nothing was sent, so nothing was logged as pushed to the client.
      const pushed = await hub.db.auditEntry.count({ where: { clientId: civil.clientId, operationName: 'webhook alert.raised' } });
      expect(pushed).toBe(0);
    } finally {
      await dispatcher.stop();
    }
  });
  it('holds a client to its own webhooksPerClient where its row overrides its agency’s', async () => {
    dns.set('hooks.example.org', PUBLIC);
    const client = await hub.client('RURAL_REVITALIZATION', '6207', undefined, { webhooksPerClient: 1 });
    const register = (url: string) => hub.requestText(REGISTER, { url }, { token: client.token, purpose: FOLLOW_UP });
    expect((await register('https://hooks.example.org/one')).errors).toBeUndefined();
    const over = await register('https://hooks.example.org/two');
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'webhooksPerClient', max: 1 });
  });
});
