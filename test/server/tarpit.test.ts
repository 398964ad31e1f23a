import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Tarpit } from '../../src/server/tarpit.js';
import { startTestHub, type TestHub } from '../support/hub.js';

describe('the tarpit of refusals', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Whether `promise` has settled once pending timers up to `ms` ran. */
  async function settledAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let settled = false;
    void promise.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(ms);
    return settled;
  }

  it('holds a refusal for its delay, never past its Retry-After', async () => {
    vi.useFakeTimers();
    const tarpit = new Tarpit(1_000);
    const held = tarpit.hold(30);
    expect(await settledAfter(held, 999)).toBe(false);
    expect(await settledAfter(held, 1)).toBe(true);
    const short = tarpit.hold(0.2);
    expect(await settledAfter(short, 200)).toBe(true);
    expect(await settledAfter(tarpit.hold(0), 0)).toBe(true);
  });

  it('answers at once past the refusals it may hold, and lets all go on shutdown', async () => {
    vi.useFakeTimers();
    const tarpit = new Tarpit(1_000, 2);
    const held = [tarpit.hold(5), tarpit.hold(5)];
    expect(await settledAfter(tarpit.hold(5), 0)).toBe(true);
    tarpit.releaseAll();
    expect(await settledAfter(Promise.all(held), 0)).toBe(true);
  });

  it('holds nothing with no delay', async () => {
    vi.useFakeTimers();
    expect(await settledAfter(new Tarpit(0).hold(5), 0)).toBe(true);
  });
});

describe('refusals held over HTTP', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ refusalDelayMs: 400 });
  });
  afterAll(() => hub.close());

  it('holds a 429 for the delay before answering, and answers the client’s allowed requests at once', async () => {
    const limited = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { requests: 1, windowSeconds: 3600 });
    const timed = async () => {
      const started = performance.now();
      const answer = await hub.requestText('{ viewer { agency } }', {}, { token: limited.token });
      return { status: answer.status, ms: performance.now() - started };
    };
    expect((await timed()).status).toBe(200);
    const refused = await timed();
    expect(refused.status).toBe(429);
    // A timer never fires early: the answer was held at least the delay.
    expect(refused.ms).toBeGreaterThanOrEqual(390);
  });

  it('holds a query over the client’s limits as well', async () => {
    const started = performance.now();
    const answer = await hub.requestText(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: viewer { agency }`).join(' ')} }`);
    expect([answer.status, answer.errors![0]!.extensions!.code]).toEqual([400, 'QUERY_TOO_COMPLEX']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });
});
