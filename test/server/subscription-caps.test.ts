import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AGENCY_LIMITS } from '../../src/auth/limits-policy.js';
import { ALERT_RAISED } from '../../src/server/alert-feed.js';
import { inpatientClaim, SETTLE } from '../support/claims.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let insurance: { clientId: string; token: string };
const sockets: Client[] = [];

/** One subscription's fate: what it received, or the errors that refused it. */
interface Outcome {
  events: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  errors: GraphQLFormattedError[] | undefined;
  stop(): void;
}

function connect(token: string): Client {
  const socket = createClient({
    url: hub.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}`, purpose: 'MONITORING_FOLLOW_UP' },
    retryAttempts: 0,
    lazy: false,
  });
  sockets.push(socket);
  return socket;
}

function subscribe(socket: Client, query: string): Outcome {
  const outcome: Outcome = { events: [], errors: undefined, stop: () => {} };
  outcome.stop = socket.subscribe(
    { query },
    {
      next: (result) => void outcome.events.push(result),
      error: (error) => void (outcome.errors = Array.isArray(error) ? (error as GraphQLFormattedError[]) : [{ message: String(error) }]),
      complete: () => {},
    },
  );
  return outcome;
}

/** Waits until every subscription was either refused or is listening: `listening` more listeners than before. */
async function settled(outcomes: Outcome[], before: number): Promise<{ live: Outcome[]; refused: Outcome[] }> {
  let live: Outcome[] = [];
  await vi.waitFor(
    () => {
      live = outcomes.filter((outcome) => !outcome.errors);
      expect(hub.pubSub.listenerCount(ALERT_RAISED) - before).toBe(live.length);
    },
    { timeout: 15_000, interval: 50 },
  );
  return { live, refused: outcomes.filter((outcome) => outcome.errors) };
}

/**
 * `{ alertRaised { id … } }` reading the n-th distinct set of fields, for n up
 * to 12: whichever subscription a cap refuses, a later one is no twin of a live one.
 */
const distinct = (n: number) => {
  const fields = [
    'rule',
    'ruleSet',
    'measure',
    'threshold',
    'amount',
    'targets',
    'year',
    'month',
    'status',
    'raisedAt',
    'citation',
    'outcome',
  ];
  return `subscription { alertRaised { id ${fields.slice(0, n).join(' ')} } }`;
};

async function raiseAlert(claimId: string): Promise<{ personId: string; alertId: string }> {
  const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
  const settledClaim = await hub.requestText(
    SETTLE,
    { input: inpatientClaim(person.id, claimId) },
    { token: insurance.token, purpose: 'SETTLEMENT' },
  );
  expect(settledClaim.errors).toBeUndefined();
  const alert = await hub.db.alert.findFirstOrThrow({ where: { personId: person.id } });
  return { personId: person.id, alertId: alert.id };
}

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '62', ['SETTLEMENT']);
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
  await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED)).toBe(0));
});

afterAll(() => hub?.close());

describe('duplicate subscriptions on one socket', () => {
  it('are refused, so one alert is delivered and audited once, not 300 times', async () => {
    const civil = await hub.client('CIVIL_AFFAIRS', '6207');
    const socket = connect(civil.token);
    const before = hub.pubSub.listenerCount(ALERT_RAISED);
    // The same read 300 times, some spelled differently: aliases, field order, __typename.
    const spellings = [
      'subscription Alerts { alertRaised { id rule } }',
      'subscription { a: alertRaised { rule id } }',
      'subscription Other { alertRaised { __typename id rule } }',
    ];
    const outcomes = Array.from({ length: 300 }, (_, i) => subscribe(socket, spellings[i % spellings.length]!));
    const { live, refused } = await settled(outcomes, before);
    expect(live).toHaveLength(1);
    expect(refused).toHaveLength(299);
    for (const outcome of refused) expect(outcome.errors![0]!.extensions?.code).toBe('BAD_REQUEST');

    const { personId, alertId } = await raiseAlert('CAP-DUP-1');
    await vi.waitFor(() => expect(live[0]!.events).toHaveLength(1), { timeout: 15_000 });
    const event = live[0]!.events[0]!.data as Record<string, { id: string }>;
    expect(Object.values(event)[0]!.id).toBe(alertId);
    // Give any stray duplicate time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outcomes.reduce((sum, outcome) => sum + outcome.events.length, 0)).toBe(1);
    const entries = await hub.db.auditEntry.findMany({ where: { clientId: civil.clientId, personIds: { has: personId } } });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.outcome).toBe('SUCCESS');
  });
});

describe('caps on live subscriptions', () => {
  it('refuses a connection more than its cap with QUOTA_EXCEEDED, and takes a new one once one ends', async () => {
    const max = AGENCY_LIMITS.CIVIL_AFFAIRS.subscriptionsPerConnection;
    const civil = await hub.client('CIVIL_AFFAIRS', '6207');
    const socket = connect(civil.token);
    const before = hub.pubSub.listenerCount(ALERT_RAISED);
    const outcomes = Array.from({ length: max + 1 }, (_, i) => subscribe(socket, distinct(i)));
    const { live, refused } = await settled(outcomes, before);
    expect(live).toHaveLength(max);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'subscriptionsPerConnection', max });

    live[0]!.stop();
    await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED) - before).toBe(max - 1));
    const again = subscribe(socket, distinct(max + 1));
    await settled([...live.slice(1), again], before);
    expect(again.errors).toBeUndefined();
  });

  it('refuses a client more than its cap over all its connections, and frees the places of a closed socket', async () => {
    const { subscriptionsPerConnection: perSocket, subscriptionsPerClient: max } = AGENCY_LIMITS.RURAL_REVITALIZATION;
    const rural = await hub.client('RURAL_REVITALIZATION', '6207');
    const before = hub.pubSub.listenerCount(ALERT_RAISED);
    const full: Client[] = [];
    const outcomes: Outcome[] = [];
    for (let held = 0; held < max; held += perSocket) {
      const socket = connect(rural.token);
      full.push(socket);
      for (let i = 0; i < Math.min(perSocket, max - held); i += 1) outcomes.push(subscribe(socket, distinct(i)));
    }
    expect((await settled(outcomes, before)).live).toHaveLength(max);

    const extra = connect(rural.token);
    const over = subscribe(extra, distinct(0));
    await vi.waitFor(() => expect(over.errors).toBeDefined());
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'subscriptionsPerClient', max });
    // Another client of the same agency is not held back by this one's cap.
    const other = subscribe(connect((await hub.client('RURAL_REVITALIZATION', '6207')).token), distinct(0));

    await full[0]!.dispose();
    await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED) - before).toBe(max - perSocket + 1));
    const freed = subscribe(extra, distinct(1));
    await vi.waitFor(() => expect(hub.pubSub.listenerCount(ALERT_RAISED) - before).toBe(max - perSocket + 2));
    expect(freed.errors).toBeUndefined();
    expect(other.errors).toBeUndefined();
  });
  it('holds a client to its own caps where its row overrides its agency’s', async () => {
    const civil = await hub.client('CIVIL_AFFAIRS', '6207', undefined, { subscriptionsPerConnection: 2 });
    const socket = connect(civil.token);
    const before = hub.pubSub.listenerCount(ALERT_RAISED);
    const { live, refused } = await settled(
      [0, 1, 2].map((i) => subscribe(socket, distinct(i))),
      before,
    );
    expect(live).toHaveLength(2);
    expect(refused[0]!.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'subscriptionsPerConnection', max: 2 });
  });
});
