import type { ClientLimits } from './limits-policy.js';
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
  constructor(private readonly counters: RateCounterRepository) {}

  /** Counts one request of the client; over its limit, `retryAfter` says when it may send again. */
  async consume(clientId: string, limits: Pick<ClientLimits, 'requests' | 'windowSeconds'>): Promise<RateDecision> {
    const key = `requests:${clientId}`;
    const known = this.counters.knownOver(key, limits.windowSeconds);
    if (known) {
      return {
        headers: rateLimitHeaders('requests', limits.requests, limits.windowSeconds, limits.requests + 1, known.resetSeconds),
        retryAfter: known.resetSeconds,
      };
    }
    const { hits, resetSeconds } = await this.counters.hit(key, limits.windowSeconds);
    if (hits > limits.requests) this.counters.markOver(key, limits.windowSeconds);
    return {
      headers: rateLimitHeaders('requests', limits.requests, limits.windowSeconds, hits, resetSeconds),
      retryAfter: hits > limits.requests ? resetSeconds : null,
    };
  }
}
