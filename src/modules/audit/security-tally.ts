import type { SecurityEvent } from './audit.events.js';

/** What a tally needs: how to write an entry (its failures are the writer's to log), and its bounds. */
export interface SecurityTallyOptions {
  /** Writes one security event; called at most `immediate + keys + 1` times per window. */
  write: (event: SecurityEvent) => Promise<void>;
  /** The window of the tally, in seconds (default 60). */
  windowSeconds?: number;
  /** Entries written at once per window: the first refusal of a key, while this lasts (default 10). */
  immediate?: number;
  /** Keys counted apart per window (default 20); the refusals of the others are counted together in one entry. */
  keys?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Count {
  event: SecurityEvent;
  /** Refusals of the key this window. */
  refused: number;
  /** Of them, already written (the first, when it was written at once). */
  written: number;
}

/** The key of the refusals of no key of their own (past `keys`). */
const OTHERS = '\u0000others';

/**
 * Refusals that come in floods (429s of the token endpoint), audited without
 * an entry per request — a flood must not become a flood of audit appends,
 * which share one lock with every other write — and without losing any: per
 * key (the client id the request named, else its address) and window, the
 * first refusal is written at once (so that an event reaches the auditors
 * even if the process dies), and the rest are counted and written as one
 * entry when the window ends ("… ×N in 60 s"). The number of entries per
 * window is bounded: `immediate` first ones, one per key for at most `keys`
 * keys, and one for all other keys together.
 */
export class SecurityTally {
  private counts = new Map<string, Count>();
  private immediateLeft: number;
  private readonly timer: NodeJS.Timeout;
  private readonly windowSeconds: number;
  private readonly immediate: number;
  private readonly maxKeys: number;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SecurityTallyOptions) {
    this.windowSeconds = options.windowSeconds ?? 60;
    this.immediate = options.immediate ?? 10;
    this.maxKeys = options.keys ?? 20;
    this.immediateLeft = this.immediate;
    this.timer = setInterval(() => void this.flush(), this.windowSeconds * 1000);
    this.timer.unref();
  }

  /** Counts one refusal; its event names the client when known, and the reason. */
  note(event: SecurityEvent): void {
    let key = event.clientId ? `client:${event.clientId}` : `address:${event.address ?? 'unknown'}`;
    if (!this.counts.has(key) && this.counts.size >= this.maxKeys) key = OTHERS;
    let count = this.counts.get(key);
    if (!count) {
      const others = key === OTHERS;
      count = { event: others ? { kind: event.kind, reason: event.reason } : event, refused: 0, written: 0 };
      this.counts.set(key, count);
      if (!others && this.immediateLeft > 0) {
        this.immediateLeft -= 1;
        count.written = 1;
        this.track(
          this.options.write({
            ...event,
            reason: `${event.reason} (further refusals within ${this.windowSeconds} s counted in one entry)`,
          }),
        );
      }
    }
    count.refused += 1;
  }

  /** Writes the counted refusals not yet written, one entry per key, and starts a new window. */
  async flush(): Promise<void> {
    const counts = this.counts;
    this.counts = new Map();
    this.immediateLeft = this.immediate;
    for (const [key, count] of counts) {
      const unwritten = count.refused - count.written;
      if (unwritten === 0) continue;
      const whose = key === OTHERS ? 'of other clients and addresses' : count.written ? 'more' : '';
      const reason = `${unwritten} ${whose ? `${whose} ` : ''}refused within ${this.windowSeconds} s: ${count.event.reason}`;
      this.track(this.options.write({ ...count.event, reason }));
    }
    await this.pending;
  }

  /** Stops the window's timer and writes what is counted. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private track(written: Promise<void>): void {
    this.pending = Promise.all([this.pending, written.catch(() => {})]);
  }
}
