import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ClientRepository } from '../../src/auth/client.repository.js';
import { ClientService } from '../../src/auth/client.service.js';
import { SigningKeys } from '../../src/auth/signing-keys.js';
import { TokenService } from '../../src/auth/token.service.js';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { AlertStore } from '../../src/modules/alert/alert.store.js';
import { ALERT_RAISED, startAlertFeed, type AlertFeed } from '../../src/server/alert-feed.js';
import { createRepositories, type Repositories } from '../../src/server/context.js';
import { startHttpServer, type HubHttpServer } from '../../src/server/http.js';
import { JobQueue } from '../../src/server/job-queue.js';
import { createDb, type Db } from '../../src/server/prisma.js';
import { PubSub } from '../../src/server/pubsub.js';
import { buildHubSchema } from '../../src/server/schema.js';
import { attachSubscriptions } from '../../src/server/subscriptions.js';
import { createHousehold } from '../support/factory.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// The hub of test/support/hub.ts, with a PubSub, the alert feed and subscriptions.
let database: TestDatabase;
let dataDir: string;
let db: Db;
let pool: pg.Pool;
let clients: ClientService;
let tokens: TokenService;
let pubSub: PubSub;
let repositories: Repositories;
let feed: AlertFeed;
let http: HubHttpServer;
let wsUrl: string;

let insurance: { clientId: string; token: string };
let ganzhouCivil: { clientId: string; token: string };
let civil: { clientId: string; token: string };
let rural: { clientId: string; token: string };

const ALERTS = 'subscription Alerts { alertRaised { id rule targets status person { id regionCode name idNumber residence } } }';
const SETTLE = 'mutation ($input: ClaimInput!) { settleClaim(input: $input) { id } }';

let claims = 0;

/** Settles a 30 000 stay (20 000 after insurance) that raises gansu-2023/rural-other-stay for a rural person of no category. */
async function settle(regionCode: string): Promise<{ personId: string; alertId: string }> {
  const person = (await createHousehold(db, regionCode, 1)).members[0]!;
  claims += 1;
  const input = {
    claimId: `SUB-${claims}`,
    personId: person.id,
    serviceDate: '2024-05-10',
    visitType: 'INPATIENT',
    referral: 'LOCAL',
    inProvince: true,
    diagnosis: 'I63.9',
    totalCost: '30000.00',
    inPolicyCost: '25000.00',
    basicPaid: '10000.00',
    criticalPaid: '0.00',
  };
  const response = await fetch(`http://127.0.0.1:${http.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${insurance.token}`, 'x-purpose': 'SETTLEMENT' },
    body: JSON.stringify({ query: SETTLE, variables: { input } }),
  });
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  const alert = await db.alert.findFirstOrThrow({ where: { personId: person.id } });
  expect(alert.targets).toEqual(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION']);
  return { personId: person.id, alertId: alert.id };
}

/** Stores an alert as the monitoring run would, for a person settlement raises none for (an urban resident). */
async function storeAlert(personId: string): Promise<string> {
  claims += 1;
  const [id] = await db.$transaction((tx) =>
    new AlertStore(null).insert(tx, [
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
  return id!;
}

async function client(agency: Agency, jurisdiction: string, purposes?: string[]) {
  const { clientId, clientSecret } = await clients.create({
    name: `test ${agency}`,
    agency,
    jurisdiction,
    ...(purposes ? { purposes } : {}),
  });
  return { clientId, token: (await tokens.issue(clientId, clientSecret))!.access_token };
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
  const listening = pubSub.listenerCount(ALERT_RAISED);
  const connection = createClient({
    url: wsUrl,
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
  await vi.waitFor(() => expect(pubSub.listenerCount(ALERT_RAISED) > listening || subscriber.failure !== undefined).toBe(true));
  return subscriber;
}

/** The ids of the alerts a subscriber received. */
const received = (subscriber: Subscriber) => subscriber.events.map((e) => (e.data?.alertRaised as { id: string }).id);

const codes = (failure: Subscriber['failure']) => (Array.isArray(failure) ? failure.map((e) => e.extensions?.code) : failure);

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-keys-'));
  ({ db, pool } = createDb(database.url));
  const repository = new ClientRepository(db);
  clients = new ClientService(repository);
  const keys = await SigningKeys.load(dataDir);
  tokens = new TokenService(repository, keys, {});
  pubSub = new PubSub();
  repositories = createRepositories(db, new JobQueue(8));
  http = await startHttpServer({ schema: await buildHubSchema(pubSub), repositories, pool, tokens, keys, pubSub }, 0, '127.0.0.1');
  feed = await startAlertFeed(database.url, pubSub);
  wsUrl = `ws://127.0.0.1:${http.port}/graphql`;
  insurance = await client('MEDICAL_INSURANCE', '62', ['SETTLEMENT']);
  ganzhouCivil = await client('CIVIL_AFFAIRS', '620702');
  civil = await client('CIVIL_AFFAIRS', '6207');
  rural = await client('RURAL_REVITALIZATION', '6207');
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.dispose()));
  // Every subscription of the test is gone from the PubSub: none outlives its socket.
  await vi.waitFor(() => expect(pubSub.listenerCount(ALERT_RAISED)).toBe(0));
});

afterAll(async () => {
  await http?.close();
  await feed?.stop();
  await db?.$disconnect();
  await pool?.end();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

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
    const urbanite = (await createHousehold(db, '620702', 1, 'URBAN')).members[0]!;
    const urban = await storeAlert(urbanite.id);
    const villager = await settle('620702');
    await vi.waitFor(() => expect(subscriber.events).toHaveLength(1));
    expect(received(subscriber)).toEqual([villager.alertId]);
    expect(received(subscriber)).not.toContain(urban);
  });

  it('stops listening as soon as a subscriber unsubscribes, with no event needed to notice', async () => {
    const subscriber = await subscribe(civil.token, 'MONITORING_FOLLOW_UP');
    expect(pubSub.listenerCount(ALERT_RAISED)).toBe(1);
    subscriber.unsubscribe();
    await vi.waitFor(() => expect(pubSub.listenerCount(ALERT_RAISED)).toBe(0));
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
    const before = await db.auditEntry.count({ where: { clientId: civil.clientId } });
    const missing = await subscribe(civil.token, null);
    expect(missing.failure).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'X-Purpose' } })]);
    const wrong = await subscribe(civil.token, 'ASSISTANCE_ELIGIBILITY');
    expect(codes(wrong.failure)).toEqual(['FORBIDDEN']);
    const entries = await db.auditEntry.findMany({ where: { clientId: civil.clientId }, orderBy: { seq: 'asc' }, skip: before });
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
    const raiser = await subscribe((await client('MEDICAL_INSURANCE', '62')).token, 'MONITORING_FOLLOW_UP');
    expect(codes(raiser.failure)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses queries over the WebSocket: they go over HTTP, through the access plugin', async () => {
    const query = await subscribe(civil.token, 'MONITORING_FOLLOW_UP', 'query { alerts { totalCount } }');
    expect(codes(query.failure)).toEqual(['BAD_REQUEST']);
  });

  it('ends the subscription of a disabled client with 4401 at its next event, which it does not get', async () => {
    const doomed = await client('CIVIL_AFFAIRS', '6207');
    const subscriber = await subscribe(doomed.token, 'MONITORING_FOLLOW_UP');
    await clients.disable(doomed.clientId);
    const { alertId } = await settle('620702');
    await vi.waitFor(() => expect(subscriber.failure).toEqual(expect.objectContaining({ code: 4401 })));
    expect(subscriber.events).toEqual([]);
    expect(await db.alertDelivery.count({ where: { alertId } })).toBe(0);
  });
});

describe('alertRaised: audit and delivery', () => {
  it('writes one SUCCESS entry per event delivered, with client, agency, token, purpose, operation, person and fields', async () => {
    const subscriber = await subscribe(civil.token, 'MONITORING_FOLLOW_UP');
    const before = await db.auditEntry.count({ where: { clientId: civil.clientId } });
    const first = await settle('620702');
    const second = await settle('620703');
    await vi.waitFor(() => expect(subscriber.events).toHaveLength(2));
    const entries = await db.auditEntry.findMany({ where: { clientId: civil.clientId }, orderBy: { seq: 'asc' }, skip: before });
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
      await db.alertDelivery.findMany({ where: { alertId: half.alertId }, select: { agency: true, clientId: true, channel: true } }),
    ).toEqual([{ agency: 'CIVIL_AFFAIRS', clientId: civil.clientId, channel: 'SUBSCRIPTION' }]);
    expect((await db.alert.findUniqueOrThrow({ where: { id: half.alertId } })).status).toBe('RAISED');

    const ruralToo = await subscribe(rural.token, 'MONITORING_FOLLOW_UP');
    const both = await settle('620702');
    await vi.waitFor(() => expect([received(civilOnly).at(-1), received(ruralToo)]).toEqual([both.alertId, [both.alertId]]));
    const deliveries = await db.alertDelivery.findMany({ where: { alertId: both.alertId }, orderBy: { agency: 'asc' } });
    expect(deliveries.map((d) => [d.agency, d.channel])).toEqual([
      ['CIVIL_AFFAIRS', 'SUBSCRIPTION'],
      ['RURAL_REVITALIZATION', 'SUBSCRIPTION'],
    ]);
    expect((await db.alert.findUniqueOrThrow({ where: { id: both.alertId } })).status).toBe('DELIVERED');
  });

  it('withholds an event whose audit entry cannot be written, and records no delivery', async () => {
    const subscriber = await subscribe(rural.token, 'MONITORING_FOLLOW_UP');
    const person = (await createHousehold(db, '620702', 1)).members[0]!;
    await pool.query('ALTER TABLE audit_entry RENAME TO audit_entry_unreachable');
    try {
      const alertId = await storeAlert(person.id);
      await vi.waitFor(() => expect(subscriber.events).toHaveLength(1));
      expect(subscriber.events[0]).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      expect(JSON.stringify(subscriber.events)).not.toContain(person.id);
      expect(await db.alertDelivery.count({ where: { alertId } })).toBe(0);
    } finally {
      await pool.query('ALTER TABLE audit_entry_unreachable RENAME TO audit_entry');
    }
  });
});

describe('the WebSocket endpoint', () => {
  it('answers an upgrade of another path than /graphql with 404', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${http.port}/elsewhere`, 'graphql-transport-ws');
    // ws reports the refused upgrade as an error too, once the socket is dropped.
    socket.on('error', () => {});
    const [, response] = (await once(socket, 'unexpected-response')) as [unknown, IncomingMessage];
    expect(response.statusCode).toBe(404);
    socket.terminate();
  });

  it('closes within about a second when disposed, even a socket whose peer does not answer the close', async () => {
    const server = createServer();
    const subscriptions = attachSubscriptions(server, { views: new Map(), repositories, tokens });
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
