import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Decimal } from 'decimal.js';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AlertStore } from '../../src/modules/alert/alert.store.js';
import { ALERT_RAISED } from '../../src/server/alert-feed.js';
import { attachSubscriptions } from '../../src/server/subscriptions.js';
import { AccessGuard } from '../../src/server/access-guard.js';
import { inpatientClaim, SETTLE } from '../support/claims.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let insurance: { clientId: string; token: string };
let ganzhouCivil: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let rural: { clientId: string; token: string };

const ALERTS = 'subscription Alerts { alertRaised { id rule targets status person { id regionCode name idNumber residence } } }';

let claims = 0;

/** Settles a 30 000 stay (20 000 after insurance) that raises gansu-2023/rural-other-stay for a rural person of no category. */
async function settle(regionCode: string): Promise<{ personId: string; alertId: string }> {
  const person = (await createHousehold(hub.db, regionCode, 1)).members[0]!;
  claims += 1;
  const input = inpatientClaim(person.id, `SUB-${claims}`);
  const settled = await hub.requestText(SETTLE, { input }, { token: insurance.token, purpose: 'SETTLEMENT' });
  expect(settled.errors).toBeUndefined();
  const alert = await hub.db.alert.findFirstOrThrow({ where: { personId: person.id } });
  expect(alert.targets).toEqual(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION']);
  return { personId: person.id, alertId: alert.id };
}

/** Stores an alert as the monitoring run would, for a person settlement raises none for (an urban resident). */
async function storeAlert(personId: string): Promise<string> {
  claims += 1;
  const [stored] = await hub.db.$transaction((tx) =>
    new AlertStore(hub.db, null).insert(tx, [
      {
        personId,
        rule: 'national-2021/year-out-of-pocket',
        ruleSet: 'national-2021',
        citation: 'test',
        measure: 'YEAR_OUT_OF_POCKET',
        threshold: new Decimal('6000.00'),
        amount: new Decimal('7000.00'),
        targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
        year: 2024,
        month: '2024-05',
        dedupeKey: `test:${claims}`,
        benefitId: null,
      },
    ]),
  );
  return stored!.id;
}

/** What a subscriber got: the events, or the error that ended the subscription (a close event, or GraphQL errors). */
interface Subscriber {
  events: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  failure: { code?: number } | GraphQLFormattedError[] | undefined;
  completed: boolean;
  unsubscribe(): void;
}

const connections: Client[] = [];

/** Subscribes over a WebSocket of its own; resolves once the hub listens for its events (or refused it). */
async function subscribe(token: string | null, purpose: string | null, query = ALERTS): Promise<Subscriber> {
  const listening = hub.pubSub.listenerCount(ALERT_RAISED);
  const connection = createClient({
    url: hub.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(purpose ? { purpose } : {}) },
    retryAttempts: 0,
  });
  connections.push(connection);
  const subscriber: Subscriber = { events: [], failure: undefined, completed: false, unsubscribe: () => {} };
  subscriber.unsubscribe = connection.subscribe(
    { query },
    {
      next: (result) => void subscriber.events.push(result),
      error: (error) => void (subscriber.failure = error as Subscriber['failure']),
      complete: () => void (subscriber.completed = true),
    },
  );
  await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED) > listening || subscriber.failure !== undefined).toBe(true));
  return subscriber;
}

/** The ids of the alerts a subscriber received. */
const received = (subscriber: Subscriber) => subscriber.events.map((e) => (e.data?.alertRaised as { id: string }).id);

const codes = (failure: Subscriber['failure']) => (Array.isArray(failure) ? failure.map((e) => e.extensions?.code) : failure);

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '62', ['SETTLEMENT']);
  ganzhouCivil = await hub.client('CIVIL_AFFAIRS', '620702');
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
  rural = await hub.client('RURAL_REVITALIZATION', '6207');
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.dispose()));
  // Every subscription of the test is gone from the PubSub: none outlives its socket.
  await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED)).toBe(0));
});

afterAll(() => hub?.close());

describe('alertRaised: rows and reach', () => {
  it('pushes a Ganzhou civil-affairs client the alert of a Ganzhou person, with its fields, and not the alert of a Minle person', async () => {
    const subscriber = await subscribe(ganzhouCivil.token, 'MONITORING_FOLLOW_UP');
    const minle = await settle('620722');
    const ganzhou = await settle('620702');
    // One connection's events arrive in commit order: once Ganzhou's is in, Minle's was passed over.
    await vi.waitFor(() => expect(subscriber.events).toHaveLength(1));
    expect(subscriber.events[0]!.errors).toBeUndefined();
    expect(subscriber.events[0]!.data!.alertRaised).toEqual({
      id: ganzhou.alertId,
      rule: 'gansu-2023/rural-other-stay',
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      status: 'RAISED',
      person: { id: ganzhou.personId, regionCode: '620702', name: expect.any(String), idNumber: expect.any(String), residence: 'RURAL' },
    });
    expect(received(subscriber)).not.toContain(minle.alertId);
  });

  it('pushes rural revitalization the alerts of rural residents only', async () => {
    const subscriber = await subscribe(rural.token, 'MONITORING_FOLLOW_UP');
    const urbanite = (await createHousehold(hub.db, '620702', 1, 'URBAN')).members[0]!;
    const urban = await storeAlert(urbanite.id);
    const villager = await settle('620702');
    await vi.waitFor(() => expect(subscriber.events).toHaveLength(1));
    expect(received(subscriber)).toEqual([villager.alertId]);
    expect(received(subscriber)).not.toContain(urban);
  });

  it('stops listening as soon as a subscriber unsubscribes, with no event needed to notice', async () => {
    const subscriber = await subscribe(civil.token, 'MONITORING_FOLLOW_UP');
    expect(hub.pubSub.listenerCount(ALERT_RAISED)).toBe(1);
    subscriber.unsubscribe();
    await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED)).toBe(0));
  });
});

describe('alertRaised: token, purpose and view', () => {
  it('closes the socket with 4401 for a missing or bad token', async () => {
    const missing = await subscribe(null, 'MONITORING_FOLLOW_UP');
    const bad = await subscribe(`${civil.token.slice(0, -4)}AAAA`, 'MONITORING_FOLLOW_UP');
    expect([missing.failure, bad.failure]).toEqual([expect.objectContaining({ code: 4401 }), expect.objectContaining({ code: 4401 })]);
    expect([missing.events, bad.events]).toEqual([[], []]);
  });

  it('refuses a subscription without a purpose (BAD_USER_INPUT) or with one alertRaised does not serve (FORBIDDEN), and audits both', async () => {
    const before = await hub.db.auditEntry.count({ where: { clientId: civil.clientId } });
    const missing = await subscribe(civil.token, null);
    expect(missing.failure).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'X-Purpose' } })]);
    const wrong = await subscribe(civil.token, 'ASSISTANCE_ELIGIBILITY');
    expect(codes(wrong.failure)).toEqual(['FORBIDDEN']);
    const entries = await hub.db.auditEntry.findMany({ where: { clientId: civil.clientId }, orderBy: { seq: 'asc' }, skip: before });
    expect(entries.map((e) => [e.outcome, e.operationName, e.purpose])).toEqual([
      ['DENIED', 'Alerts', null],
      ['DENIED', 'Alerts', 'ASSISTANCE_ELIGIBILITY'],
    ]);
  });

  it('refuses a field the agency’s view lacks as a validation error, and the subscription itself to an agency that is no target', async () => {
    const diagnosis = 'subscription { alertRaised { person { benefits { edges { node { diagnosis } } } } } }';
    const civilDiagnosis = await subscribe(civil.token, 'MONITORING_FOLLOW_UP', diagnosis);
    expect(codes(civilDiagnosis.failure)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect((civilDiagnosis.failure as GraphQLFormattedError[])[0]!.message).toContain('diagnosis');
    const raiser = await subscribe((await hub.client('MEDICAL_INSURANCE', '62')).token, 'MONITORING_FOLLOW_UP');
    expect(codes(raiser.failure)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses queries over the WebSocket: they go over HTTP, through the access plugin', async () => {
    const query = await subscribe(civil.token, 'MONITORING_FOLLOW_UP', 'query { alerts { totalCount } }');
    expect(codes(query.failure)).toEqual(['BAD_REQUEST']);
  });

  it('ends the subscription of a disabled client with 4401 at its next event, which it does not get', async () => {
    const doomed = await hub.client('CIVIL_AFFAIRS', '6207');
    const subscriber = await subscribe(doomed.token, 'MONITORING_FOLLOW_UP');
    await hub.clients.disable(doomed.clientId);
    const { alertId } = await settle('620702');
    await vi.waitFor(() => expect(subscriber.failure).toEqual(expect.objectContaining({ code: 4401 })));
    expect(subscriber.events).toEqual([]);
    expect(await hub.db.alertDelivery.count({ where: { alertId } })).toBe(0);
  });
});

describe('alertRaised: audit and delivery', () => {
  it('writes one SUCCESS entry per event delivered, with client, agency, token, purpose, operation, person and fields', async () => {
    const subscriber = await subscribe(civil.token, 'MONITORING_FOLLOW_UP');
    const before = await hub.db.auditEntry.count({ where: { clientId: civil.clientId } });
    const first = await settle('620702');
    const second = await settle('620703');
    await vi.waitFor(() => expect(subscriber.events).toHaveLength(2));
    const entries = await hub.db.auditEntry.findMany({ where: { clientId: civil.clientId }, orderBy: { seq: 'asc' }, skip: before });
    const jti = (JSON.parse(Buffer.from(civil.token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    expect(entries).toEqual(
      [first, second].map(({ personId }) =>
        expect.objectContaining({
          outcome: 'SUCCESS',
          clientId: civil.clientId,
          agency: 'CIVIL_AFFAIRS',
          jti,
          purpose: 'MONITORING_FOLLOW_UP',
          operationName: 'Alerts',
          documentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          personIds: [personId],
          fields: expect.arrayContaining(['Subscription.alertRaised', 'Alert.person', 'Person.idNumber']),
        }),
      ),
    );
  });

  it('records each delivery on channel SUBSCRIPTION, and moves the alert to DELIVERED once both target agencies got it', async () => {
    const civilOnly = await subscribe(civil.token, 'MONITORING_FOLLOW_UP');
    const half = await settle('620702');
    await vi.waitFor(() => expect(received(civilOnly)).toEqual([half.alertId]));
    expect(
      await hub.db.alertDelivery.findMany({ where: { alertId: half.alertId }, select: { agency: true, clientId: true, channel: true } }),
    ).toEqual([{ agency: 'CIVIL_AFFAIRS', clientId: civil.clientId, channel: 'SUBSCRIPTION' }]);
    expect((await hub.db.alert.findUniqueOrThrow({ where: { id: half.alertId } })).status).toBe('RAISED');

    const ruralToo = await subscribe(rural.token, 'MONITORING_FOLLOW_UP');
    const both = await settle('620702');
    await vi.waitFor(() => expect([received(civilOnly).at(-1), received(ruralToo)]).toEqual([both.alertId, [both.alertId]]));
    const deliveries = await hub.db.alertDelivery.findMany({ where: { alertId: both.alertId }, orderBy: { agency: 'asc' } });
    expect(deliveries.map((d) => [d.agency, d.channel])).toEqual([
      ['CIVIL_AFFAIRS', 'SUBSCRIPTION'],
      ['RURAL_REVITALIZATION', 'SUBSCRIPTION'],
    ]);
    expect((await hub.db.alert.findUniqueOrThrow({ where: { id: both.alertId } })).status).toBe('DELIVERED');
  });

  it('withholds an event whose audit entry cannot be written, and records no delivery', async () => {
    const subscriber = await subscribe(rural.token, 'MONITORING_FOLLOW_UP');
    const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    await hub.pool.query('ALTER TABLE audit_entry RENAME TO audit_entry_unreachable');
    try {
      const alertId = await storeAlert(person.id);
      await vi.waitFor(() => expect(subscriber.events).toHaveLength(1));
      expect(subscriber.events[0]).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      expect(JSON.stringify(subscriber.events)).not.toContain(person.id);
      expect(await hub.db.alertDelivery.count({ where: { alertId } })).toBe(0);
    } finally {
      await hub.pool.query('ALTER TABLE audit_entry_unreachable RENAME TO audit_entry');
    }
  });
});

describe('the WebSocket endpoint', () => {
  it('answers an upgrade of another path than /graphql with 404', async () => {
    const socket = new WebSocket(new URL('/elsewhere', hub.wsUrl), 'graphql-transport-ws');
    // ws reports the refused upgrade as an error too, once the socket is dropped.
    socket.on('error', () => {});
    const [, response] = (await once(socket, 'unexpected-response')) as [unknown, IncomingMessage];
    expect(response.statusCode).toBe(404);
    socket.terminate();
  });

  it('closes within about a second when disposed, even a socket whose peer does not answer the close', async () => {
    const server = createServer();
    const subscriptions = attachSubscriptions(server, {
      guard: new AccessGuard({ tokens: hub.tokens, views: new Map(), repositories: hub.repositories }),
      repositories: hub.repositories,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}/graphql`, 'graphql-transport-ws');
    await once(socket, 'open');
    // A peer that reads nothing more never answers the close frame.
    (socket as unknown as { _socket: Socket })._socket.pause();
    const started = Date.now();
    await subscriptions.dispose();
    expect(Date.now() - started).toBeLessThan(3_000);
    socket.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
});
