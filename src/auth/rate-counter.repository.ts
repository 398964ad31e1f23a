import type pg from 'pg';

/** A counter's state after a hit or a look. */
export interface CounterState {
  /** Hits in the current window, this one included. */
  hits: number;
  /** Seconds until the window turns. */
  resetSeconds: number;
}

// Every this many hits, a process drops the counters whose window ended a day ago.
const PRUNE_EVERY = 1_000;
// Keys a process remembers as over their limit (see RateCounterRepository.knownOver).
const MAX_REMEMBERED = 10_000;
/** The window start of a lifetime counter: its window never turns, and it is never pruned. */
const LIFETIME = new Date(0);

/**
 * The counters of the rate limits and quotas, in PostgreSQL (`rate_counter`)
 * so that every hub process on the database counts the same: fixed windows,
 * one row per key, each hit one statement (an upsert that starts the count
 * again when the window has turned). The only code that touches the table.
 */
export class RateCounterRepository {
  private sincePrune = 0;
  /**
   * Keys known to be over their limit in their current window, with the end
   * of that window: a count only rises within a fixed window, so once over is
   * over until it turns, in every process. A refusal of such a key is
   * answered from memory, without a statement: a flood past its limit costs
   * the database nothing.
   */
  private readonly over = new Map<string, number>();

  /** `pool` should be one of the limiter's own, so that a flood of requests cannot starve the counting of the next one. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts `cost` hits on `key` in its current window of `windowSeconds`; returns the count after them. */
  async hit(key: string, windowSeconds: number, cost = 1): Promise<CounterState> {
    const { start, resetSeconds } = this.window(windowSeconds);
    const { rows } = await this.pool.query<{ hits: number }>(
      `INSERT INTO rate_counter (key, window_start, hits) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_counter.window_start = EXCLUDED.window_start THEN rate_counter.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
         window_start = EXCLUDED.window_start
       RETURNING hits`,
      [key, start, cost],
    );
    await this.counted();
    return { hits: rows[0]!.hits, resetSeconds };
  }

  /** Notes a hit counted by another statement (the client check's, ClientRepository.tokenClientCounting), for the pruning. */
  async counted(): Promise<void> {
    this.sincePrune += 1;
    if (this.sincePrune >= PRUNE_EVERY) {
      this.sincePrune = 0;
      await this.pool.query(`DELETE FROM rate_counter WHERE window_start < now() - interval '1 day' AND window_start <> $1`, [LIFETIME]);
    }
  }

  /** Counts one hit on each of `keys`, counters that never turn (a lifetime budget); returns the count of each after it, in order. */
  async hitLifetime(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const distinct = [...new Set(keys)];
    const { rows } = await this.pool.query<{ key: string; hits: number }>(
      `INSERT INTO rate_counter (key, window_start, hits) SELECT key, $2, 1 FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_counter.window_start = EXCLUDED.window_start THEN rate_counter.hits + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING key, hits`,
      [distinct, LIFETIME],
    );
    const hits = new Map(rows.map((row) => [row.key, row.hits]));
    return keys.map((key) => hits.get(key) ?? 0);
  }

  /** The largest count of `keys`' lifetime counters, without counting one (0 when none has a count). */
  async peekLifetime(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const { rows } = await this.pool.query<{ hits: number | null }>(
      'SELECT max(hits) AS hits FROM rate_counter WHERE key = ANY($1::text[]) AND window_start = $2',
      [keys, LIFETIME],
    );
    return rows[0]?.hits ?? 0;
  }

  /** The hits on `key` in its current window, without counting one. */
  async peek(key: string, windowSeconds: number): Promise<CounterState> {
    const { start, resetSeconds } = this.window(windowSeconds);
    const { rows } = await this.pool.query<{ hits: number }>('SELECT hits FROM rate_counter WHERE key = $1 AND window_start = $2', [
      key,
      start,
    ]);
    return { hits: rows[0]?.hits ?? 0, resetSeconds };
  }

  /**
   * Whether `key` is known over its limit in its current window of
   * `windowSeconds` (see {@link markOver}): the state to answer with, read
   * from memory, or null when it must be counted.
   */
  knownOver(key: string, windowSeconds: number): { resetSeconds: number } | null {
    const until = this.over.get(key);
    if (until === undefined) return null;
    const { start, resetSeconds } = this.window(windowSeconds);
    if (until === start.getTime() + windowSeconds * 1000) return { resetSeconds };
    this.over.delete(key);
    return null;
  }

  /** Remembers that `key` went over its limit in its current window of `windowSeconds`, until that window turns. */
  markOver(key: string, windowSeconds: number): void {
    const { start } = this.window(windowSeconds);
    // Bounded: past MAX_REMEMBERED the oldest is forgotten (and counted in the database again).
    if (this.over.size >= MAX_REMEMBERED && !this.over.has(key)) this.over.delete(this.over.keys().next().value!);
    this.over.set(key, start.getTime() + windowSeconds * 1000);
  }

  /** The current window of this length: windows start at multiples of their length since the epoch (UTC days for 86 400 s). */
  window(windowSeconds: number): { start: Date; resetSeconds: number } {
    const now = this.clock();
    const length = windowSeconds * 1000;
    const start = Math.floor(now / length) * length;
    return { start: new Date(start), resetSeconds: Math.max(1, Math.ceil((start + length - now) / 1000)) };
  }
}
