import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenThrottle, TOKEN_THROTTLE_DEFAULTS } from '../../src/auth/token-throttle.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let hashed = 0;

/** POSTs client credentials to the token endpoint from `address` (any 127.x address reaches the loopback hub). */
function tokenRequest(address: string, clientId: string, clientSecret: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }>((resolve, reject) => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
    const request = http.request(
      `${hub.origin}/oauth/token`,
      { method: 'POST', localAddress: address, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

beforeAll(async () => {
  hub = await startTestHub();
  // Every secret the endpoint hashes passes through issue().
  const issue = hub.tokens.issue.bind(hub.tokens);
  hub.tokens.issue = (clientId, secret) => {
    hashed += 1;
    return issue(clientId, secret);
  };
});

afterAll(() => hub.close());

describe('the token endpoint’s throttle', () => {
  it('locks a client id after 10 failures, whatever the addresses: the right secret then gets 429, and nothing more is hashed', async () => {
    const { clientId, clientSecret } = await hub.clients.create({ name: 'target', agency: 'CHARITY', jurisdiction: '6207' });
    hashed = 0;
    const statuses: number[] = [];
    // One address per attempt, as a botnet would: the per-address limit never applies.
    for (let i = 1; i <= 40; i += 1) statuses.push((await tokenRequest(`127.0.1.${i}`, clientId, `wrong-${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(30).fill(429));
    expect(hashed).toBe(10);
    const right = await tokenRequest('127.0.2.1', clientId, clientSecret);
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ error: 'invalid_request', code: 'RATE_LIMITED' });
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(hashed).toBe(10);
    // Another client is not locked with it.
    const other = await hub.clients.create({ name: 'other', agency: 'CHARITY', jurisdiction: '6207' });
    expect((await tokenRequest('127.0.2.2', other.clientId, other.clientSecret)).status).toBe(200);
  });

  it('limits the token requests of one address, before hashing, with RateLimit headers on every answer', async () => {
    // 28 requests counted already (by this process or another one on the database).
    await hub.counters.hit('token-address:127.0.3.1', 60, 28);
    hashed = 0;
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await tokenRequest('127.0.3.1', crypto.randomUUID(), 'guess'));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 429, 429]);
    expect(hashed).toBe(2);
    expect(answers.every((a) => a.headers['ratelimit-policy'] === '"token";q=30;w=60')).toBe(true);
    expect(answers.map((a) => /r=(\d+)/.exec(a.headers.ratelimit as string)![1])).toEqual(['1', '0', '0', '0']);
  });

  it('refuses an address past its limit without counting it further, and audits its refusals as a tally, not one by one', async () => {
    await hub.counters.hit('token-address:127.0.4.1', 60, 30);
    hashed = 0;
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await tokenRequest('127.0.4.1', crypto.randomUUID(), 'guess'));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(429));
    expect(answers.every((a) => a.headers['retry-after'] !== undefined && a.headers.ratelimit !== undefined)).toBe(true);
    expect(hashed).toBe(0);
    const { rows } = await hub.pool.query('SELECT hits FROM rate_counter WHERE key = $1', ['token-address:127.0.4.1']);
    expect(rows).toEqual([{ hits: 31 }]);
    // The first refusal reaches the auditors at once; the others are counted into one entry when the minute ends.
    const entries = () =>
      hub.pool.query<{ error: string }>(
        `SELECT error FROM audit_entry WHERE event = 'TOKEN_REQUEST_FAILED' AND address LIKE '%127.0.4.1' ORDER BY seq`,
      );
    await vi.waitFor(async () => expect((await entries()).rows).toHaveLength(1));
    expect((await entries()).rows[0]!.error).toContain('too many token requests from this address');
  });
});

describe('TokenThrottle.full', () => {
  it('says the hashing line is full once one secret is hashing and 16 wait, so that the next is refused before any statement', async () => {
    const throttle = new TokenThrottle(hub.counters, TOKEN_THROTTLE_DEFAULTS);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = Array.from({ length: 17 }, () => throttle.hashing(() => held));
    expect(throttle.full()).toBe(true);
    release();
    await Promise.all(running);
    expect(throttle.full()).toBe(false);
  });
});

describe('TokenThrottle.hashing', () => {
  it('rests the slot after each hash in proportion to it, so that hashing takes at most its share of a core', async () => {
    const throttle = new TokenThrottle(hub.counters, { ...TOKEN_THROTTLE_DEFAULTS, hashingShare: 0.5 });
    const spans: { start: number; end: number }[] = [];
    const hash = async () => {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 40));
      spans.push({ start, end: performance.now() });
      return true;
    };
    await Promise.all([1, 2, 3].map(() => throttle.hashing(hash)));
    // A share of one half: each hash is followed by a rest as long as it. Node's timers run on the loop's
    // millisecond clock, so a rest may look up to ~2 ms short against performance.now(); without the rest the gap is ~0.
    for (let i = 1; i < spans.length; i += 1) {
      expect(spans[i]!.start - spans[i - 1]!.end).toBeGreaterThanOrEqual(spans[i - 1]!.end - spans[i - 1]!.start - 2);
    }
  });

  it('hashes one secret at a time, lines up 16 more and refuses the rest at once', async () => {
    const throttle = new TokenThrottle(hub.counters, TOKEN_THROTTLE_DEFAULTS);
    let running = 0;
    let most = 0;
    const hash = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return true;
    };
    const results = await Promise.all(Array.from({ length: 30 }, () => throttle.hashing(hash)));
    expect(most).toBe(1);
    expect(results.filter((r) => r === true)).toHaveLength(17);
    expect(results.filter((r) => r === null)).toHaveLength(13);
  });
});
