import type { RateCounterRepository } from './rate-counter.repository.js';
import { rateLimitHeaders } from './rate-limits.js';

/** The token endpoint's limits; the defaults are documented in the README. */
export interface TokenThrottleOptions {
  /** Token requests per network address and window (default 30 per 60 s), counted before anything is hashed. */
  perAddress: { requests: number; windowSeconds: number };
  /**
   * Failed authentications per client id and window (default 10 per 900 s).
   * Past them the client id is locked until the window turns: no secret is
   * hashed for it, the right one included, so guessing gets nowhere.
   */
  failuresPerClient: { max: number; windowSeconds: number };
  /** Secrets hashed at once in this process (default 1: scrypt holds a core and 32 MiB; the other cores stay the other clients'); the rest wait in line. */
  concurrentHashes: number;
  /** Requests waiting for a hash (default 16); past them a request is refused at once, not queued. */
  queuedHashes: number;
  /**
   * The share of one core's time hashing may take (default 0.25): after a
   * hash that took d ms, the slot rests d·(1/share − 1) ms before the next
   * starts. So a flood of failures, whatever the ids it names, costs the hub
   * at most a quarter of a core, however slow the machine hashes.
   */
  hashingShare: number;
}

/** The defaults of {@link TokenThrottleOptions}. */
export const TOKEN_THROTTLE_DEFAULTS: TokenThrottleOptions = {
  perAddress: { requests: 30, windowSeconds: 60 },
  failuresPerClient: { max: 10, windowSeconds: 900 },
  concurrentHashes: 1,
  queuedHashes: 16,
  hashingShare: 0.25,
};

/** A refusal of the token endpoint: 429 with Retry-After. */
export interface ThrottleRefusal {
  retryAfter: number;
  reason: string;
}

/**
 * Makes failures at the token endpoint cost the attacker, not the hub: every
 * request counts against its address before any hashing; a client id with
 * too many failures is locked (nothing hashed for it) until its window turns;
 * and the process hashes at most `concurrentHashes` secrets at once, with a
 * short line behind them. So the hashing a flood can cause is bounded per
 * second whatever the ids it tries, and the other clients' requests keep
 * their cores. Counted in PostgreSQL, across hub processes (the line is per process).
 */
export class TokenThrottle {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly counters: RateCounterRepository,
    private readonly options: TokenThrottleOptions = TOKEN_THROTTLE_DEFAULTS,
  ) {}

  /** The limit of token requests per address. */
  get addressPolicy(): TokenThrottleOptions['perAddress'] {
    return this.options.perAddress;
  }

  /** Counts a token request from `address`; the headers go on the answer, whatever it is. */
  async admitAddress(address: string): Promise<{ headers: Record<string, string>; refusal: ThrottleRefusal | null }> {
    const { requests, windowSeconds } = this.options.perAddress;
    const key = `token-address:${address}`;
    // An address past its limit is refused from memory until its window turns: no statement for the rest of its flood.
    const known = this.counters.knownOver(key, windowSeconds);
    if (known) {
      return {
        headers: rateLimitHeaders('token', requests, windowSeconds, requests + 1, known.resetSeconds),
        refusal: { retryAfter: known.resetSeconds, reason: 'too many token requests from this address' },
      };
    }
    const { hits, resetSeconds } = await this.counters.hit(key, windowSeconds);
    if (hits > requests) this.counters.markOver(key, windowSeconds);
    return {
      headers: rateLimitHeaders('token', requests, windowSeconds, hits, resetSeconds),
      refusal: hits > requests ? { retryAfter: resetSeconds, reason: 'too many token requests from this address' } : null,
    };
  }

  /** A refusal when the client id is locked after too many failures. */
  async locked(clientId: string): Promise<ThrottleRefusal | null> {
    const { max, windowSeconds } = this.options.failuresPerClient;
    const key = failureKey(clientId);
    const reason = 'too many failed authentications for this client';
    const known = this.counters.knownOver(key, windowSeconds);
    if (known) return { retryAfter: known.resetSeconds, reason };
    const { hits, resetSeconds } = await this.counters.peek(key, windowSeconds);
    if (hits < max) return null;
    this.counters.markOver(key, windowSeconds);
    return { retryAfter: resetSeconds, reason };
  }

  /** Counts a failed authentication of the client id. */
  async failed(clientId: string): Promise<void> {
    const { max, windowSeconds } = this.options.failuresPerClient;
    const { hits } = await this.counters.hit(failureKey(clientId), windowSeconds);
    if (hits >= max) this.counters.markOver(failureKey(clientId), windowSeconds);
  }

  /**
   * Whether the hashing line is full: a request that would only be refused
   * as busy is refused before anything else is done for it (no statement,
   * no hash), so a flood past the line costs the hub nearly nothing.
   */
  full(): boolean {
    return this.running >= this.options.concurrentHashes && this.waiting.length >= this.options.queuedHashes;
  }

  /** Runs `hash` when a hashing slot is free; null (refuse, retry in a second) when the line is full. */
  async hashing<T>(hash: () => Promise<T>): Promise<T | null> {
    if (this.running >= this.options.concurrentHashes) {
      if (this.waiting.length >= this.options.queuedHashes) return null;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    const started = performance.now();
    try {
      return await hash();
    } finally {
      // The slot rests in proportion to the hash, then passes to the next in line, or is freed.
      const rest = (performance.now() - started) * (1 / this.options.hashingShare - 1);
      const pass = () => {
        const next = this.waiting.shift();
        if (next) next();
        else this.running -= 1;
      };
      if (rest >= 1) setTimeout(pass, rest);
      else pass();
    }
  }
}

/** Keys of bounded length, whatever a caller sends as its id. */
function failureKey(clientId: string): string {
  return `token-failures:${clientId.slice(0, 64)}`;
}
