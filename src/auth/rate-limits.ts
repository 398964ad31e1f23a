import type { Agency } from '../generated/prisma/enums.js';
import type { CounterHit } from './client.repository.js';
import { AGENCY_LIMITS, type ClientLimits } from './limits-policy.js';
import type { RateCounterRepository } from './rate-counter.repository.js';

/** What one request may spend: the headers of its answer, and whether it is over the limit. */
export interface RateDecision {
  /** `RateLimit-Policy` and `RateLimit` (IETF draft "RateLimit header fields for HTTP"). */
  headers: Record<string, string>;
  /** Seconds until the window turns, when over the limit (the `Retry-After`); null when within it. */
  retryAfter: number | null;
}

/**
 * The header fields of the IETF draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers): the policy (`q` requests per `w`
 * seconds) and what is left of it (`r` remaining, `t` seconds to the reset).
 */
export function rateLimitHeaders(policy: string, quota: number, windowSeconds: number, hits: number, resetSeconds: number) {
  return {
    'RateLimit-Policy': `"${policy}";q=${quota};w=${windowSeconds}`,
    RateLimit: `"${policy}";r=${Math.max(0, quota - hits)};t=${resetSeconds}`,
  };
}

/**
 * Requests per client and window (its `requests` per `windowSeconds`),
 * counted in PostgreSQL: one statement per request, on the limiter's pool.
 * A client past its limit is refused from memory until its window turns (no
 * statement): a flood of refused requests costs the database nothing.
 */
export class ClientRateLimiter {
  /** The window length each client's limits had when last read: the guess for its next request's hit. */
  private readonly windows = new Map<string, number>();

  constructor(private readonly counters: RateCounterRepository) {}

  /**
   * The hit to count on one request of the client within the statement that
   * reads its record (so that the client check and the counter are one
   * statement), in the window its limits had when last read (its agency's at
   * first); null when it is known over its limit (then {@link consume}
   * answers from memory).
   */
  plan(clientId: string, agency: Agency): PlannedHit | null {
    const windowSeconds = this.windows.get(clientId) ?? AGENCY_LIMITS[agency].windowSeconds;
    const key = requestsKey(clientId, windowSeconds);
    if (this.counters.knownOver(key, windowSeconds)) return null;
    return { key, windowStart: this.counters.window(windowSeconds).start, cost: 1, windowSeconds };
  }

  /**
   * The decision on a request whose hit `plan` counted (`hits`, the count
   * after it); null when it was not counted, or in another window than the
   * client's limits now have (a limit changed): then {@link consume} counts it.
   */
  async settle(clientId: string, planned: PlannedHit | null, hits: number | null, limits: ClientLimits): Promise<RateDecision | null> {
    // Bounded: past 10 000 clients the oldest is forgotten (and guessed from its agency again).
    if (this.windows.size >= 10_000 && !this.windows.has(clientId)) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(clientId, limits.windowSeconds);
    if (!planned || hits === null || planned.windowSeconds !== limits.windowSeconds) return null;
    await this.counters.counted();
    return this.decide(planned.key, limits, hits, this.counters.window(limits.windowSeconds).resetSeconds);
  }

  /** Counts one request of the client; over its limit, `retryAfter` says when it may send again. */
  async consume(clientId: string, limits: Pick<ClientLimits, 'requests' | 'windowSeconds'>): Promise<RateDecision> {
    const key = requestsKey(clientId, limits.windowSeconds);
    const known = this.counters.knownOver(key, limits.windowSeconds);
    if (known) {
      return {
        headers: rateLimitHeaders('requests', limits.requests, limits.windowSeconds, limits.requests + 1, known.resetSeconds),
        retryAfter: known.resetSeconds,
      };
    }
    const { hits, resetSeconds } = await this.counters.hit(key, limits.windowSeconds);
    return this.decide(key, limits, hits, resetSeconds);
  }

  private decide(key: string, limits: Pick<ClientLimits, 'requests' | 'windowSeconds'>, hits: number, resetSeconds: number): RateDecision {
    if (hits > limits.requests) this.counters.markOver(key, limits.windowSeconds);
    return {
      headers: rateLimitHeaders('requests', limits.requests, limits.windowSeconds, hits, resetSeconds),
      retryAfter: hits > limits.requests ? resetSeconds : null,
    };
  }
}

/** A hit `ClientRateLimiter.plan` prepared, with the window length it counts in. */
export interface PlannedHit extends CounterHit {
  windowSeconds: number;
}

/**
 * The counter of a client's requests in windows of this length: a count in
 * a window the client's limits no longer have (a hit planned before a limit
 * changed) is another key, and so never resets the client's current count.
 */
export function requestsKey(clientId: string, windowSeconds: number): string {
  return `requests:${clientId}:${windowSeconds}`;
}
