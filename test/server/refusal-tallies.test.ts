import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startTestHub, type TestHub } from '../support/hub.js';

/** The window of the tallies here: short, so that a test sees the counted refusals written. */
const WINDOW_SECONDS = 3;

/** The windows a burst that started at `started` (performance.now()) can have touched. */
const windowsSince = (started: number) => Math.ceil((performance.now() - started) / (WINDOW_SECONDS * 1000)) + 1;

let hub: TestHub;
const sockets: Client[] = [];

beforeAll(async () => {
  hub = await startTestHub({ tallySeconds: WINDOW_SECONDS });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(() => hub?.close());

interface Entry {
  client_id: string | null;
  event: string;
  address: string | null;
  outcome: string;
  error: string;
}

async function entries(event: string, since: string): Promise<Entry[]> {
  const { rows } = await hub.pool.query<Entry>(
    'SELECT client_id, event, address, outcome, error FROM audit_entry WHERE event = $1 AND seq > $2 ORDER BY seq',
    [event, since],
  );
  return rows;
}

async function lastSeq(): Promise<string> {
  const { rows } = await hub.pool.query<{ max: string | null }>('SELECT max(seq)::text AS max FROM audit_entry');
  return rows[0]!.max ?? '0';
}

/** The refusals an entry stands for: 1 for one written at once, N for "N [more] refused within …". */
const counted = (entry: Entry) => Number(/^(\d+) (?:more )?refused within/.exec(entry.error)?.[1] ?? 1);

const FIELDS = ['rule', 'ruleSet', 'measure', 'threshold', 'amount', 'targets', 'year', 'month', 'status', 'raisedAt'];

describe('subscribes refused past a cap', () => {
  it('are audited as a tally: the first at once, a burst of 300 in a bounded number of entries that state the count', async () => {
    const civil = await hub.client('CIVIL_AFFAIRS', '6207', undefined, { trustedDocumentsOnly: false, subscriptionsPerConnection: 1 });
    const socket = createClient({
      url: hub.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${civil.token}`, purpose: 'MONITORING_FOLLOW_UP' },
      retryAttempts: 0,
      lazy: false,
    });
    sockets.push(socket);
    const since = await lastSeq();
    const subscribe = (i: number) =>
      new Promise<string | null>((resolve) => {
        socket.subscribe(
          { query: `subscription { alertRaised { id ${FIELDS.slice(0, i % FIELDS.length).join(' ')} } }` },
          {
            next: () => {},
            error: (error) => resolve((error as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? 'error'),
            complete: () => resolve(null),
          },
        );
        // A subscription taken stays live: it neither errs nor completes.
        setTimeout(() => resolve(null), 5_000).unref();
      });
    // The one place, then the first refusal: its entry is written before the refusal is answered.
    const taken = subscribe(0);
    expect(await subscribe(1)).toBe('QUOTA_EXCEEDED');
    const first = await entries('SUBSCRIPTION_REFUSED', since);
    expect(first).toEqual([expect.objectContaining({ client_id: civil.clientId, outcome: 'DENIED', event: 'SUBSCRIPTION_REFUSED' })]);
    expect(first[0]!.error).toMatch(/^quota subscriptionsPerConnection of 1 is used up/);

    const burst = 300;
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: burst }, (_, i) => subscribe(i + 2)));
    // Every tenth reads what the live one reads: refused as its twin, the rest past the cap.
    expect(answers.filter((code) => code === 'BAD_REQUEST')).toHaveLength(burst / 10);
    expect(answers.filter((code) => code === 'QUOTA_EXCEEDED')).toHaveLength(burst - burst / 10);
    // Every refusal counted once the window ends; the entries stay few whatever the burst.
    let written: Entry[] = [];
    await vi.waitFor(
      async () => {
        written = await entries('SUBSCRIPTION_REFUSED', since);
        expect(written.reduce((sum, entry) => sum + counted(entry), 0)).toBe(burst + 1);
      },
      { timeout: 5 * WINDOW_SECONDS * 1000, interval: 200 },
    );
    // Per window: one entry at once and one tally, however many refusals.
    expect(written.length).toBeLessThanOrEqual(2 * windowsSince(started));
    expect(written.length).toBeLessThan(20);
    for (const entry of written) expect(entry.client_id).toBe(civil.clientId);
    // One entry per client and window, each reason with its count.
    const tally = written.at(-1)!.error;
    expect(tally).toMatch(/^\d+ more refused within 3 s: /);
    expect(tally).toMatch(/quota subscriptionsPerConnection of 1 is used up: remove one first ×\d+/);
    expect(tally).toMatch(/a subscription on this connection already receives the same events and fields ×\d+/);
    expect(await taken).toBeNull();
  });
});

describe('requests with a bad bearer token', () => {
  const post = (authorization: string) =>
    fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ viewer { agency } }' }),
    });

  it('are audited as a tally: the first ones at once with their reason, a burst in a bounded number of entries that state the count', async () => {
    // A window just begun, so that the burst is not split over many.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const since = await lastSeq();
    expect((await post('Bearer first.bad.token')).status).toBe(401);
    const first = await entries('AUTHENTICATION_FAILED', since);
    expect(first.map((entry) => [entry.client_id, entry.outcome, entry.error])).toEqual([
      [null, 'DENIED', 'token not signed by the hub or not for this API'],
    ]);
    expect(first[0]!.address).toMatch(/127\.0\.0\.1/);

    const burst = 200;
    const started = performance.now();
    const statuses = await Promise.all(Array.from({ length: burst }, (_, i) => post(`Bearer bad-${i}`).then((r) => r.status)));
    expect(statuses.every((status) => status === 401)).toBe(true);
    let written: Entry[] = [];
    await vi.waitFor(
      async () => {
        written = await entries('AUTHENTICATION_FAILED', since);
        expect(written.reduce((sum, entry) => sum + counted(entry), 0)).toBe(burst + 1);
      },
      { timeout: 5 * WINDOW_SECONDS * 1000, interval: 200 },
    );
    // Per address and window: at most three at once and one tally, however many refusals.
    expect(written.length).toBeLessThanOrEqual(4 * windowsSince(started));
    expect(written.length).toBeLessThan(40);
    const tallies = written.filter((entry) => /refused within/.test(entry.error));
    expect(tallies.length).toBeGreaterThan(0);
    expect(tallies[0]!.error).toMatch(/^\d+ (more )?refused within 3 s: (malformed bearer token|token not signed)/);
  });

  it('with a valid token still passes: the tally refuses nothing', async () => {
    const civil = await hub.client('CIVIL_AFFAIRS', '6207');
    expect((await post(`Bearer ${civil.token}`)).status).toBe(200);
  });
});
