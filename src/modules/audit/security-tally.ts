import type { SecurityEvent } from './audit.events.js';

/** What a tally needs: how to write an entry (its failures are the writer's to log), and its bounds. */
export interface SecurityTallyOptions {
  /** Writes one security event; called at most `immediate + keys + 1` times per window. */
  write: (event: SecurityEvent) => Promise<void>;
  /** The window of the tally, in seconds (default 60). */
  windowSeconds?: number;
  /** Entries written at once per window, over all keys: the first refusals of a key, while this lasts (default 10). */
  immediate?: number;
  /** Refusals of one key written at once per window, before the rest are counted (default 1). */
  immediatePerKey?: number;
  /**
   * Whether an entry written at once says that further refusals are counted
   * (default true); false keeps its reason as the refusal's own.
   */
  annotate?: boolean;
  /** Keys counted apart per window (default 20); the refusals of the others are counted together in one entry. */
  keys?: number;
}

/** Distinct reasons counted apart within one key; the others are counted as "other reasons". */
const REASONS_PER_KEY = 4;
const OTHER_REASONS = 'other reasons';

interface Count {
  event: SecurityEvent;
  /** Refusals of the key this window. */
  refused: number;
  /** Of them, already written (the first ones, when they were written at once). */
  written: number;
  /** The refusals not written at once, by reason. */
  unwritten: Map<string, number>;
}

/** The key of the refusals of no key of their own (past `keys`). */
const OTHERS = '\u0000others';

/**
 * Refusals that come in floods (429s of the token endpoint, requests with a
 * bad bearer token, subscribes past their caps), audited without an entry
 * per request — a flood must not become a flood of audit appends, which
 * share one lock with every other write — and without losing any: per key
 * (the client when known, else the request's address) and window, the first
 * refusals are written at once (so that an event reaches the auditors even
 * if the process dies), and the rest are counted and written as one entry
 * when the window ends ("N more refused within 60 s: …", with the count of
 * each reason when there were several). The number of entries per window is
 * bounded: `immediate` first ones, one per key for at most `keys` keys, and
 * one for all other keys together.
 */
export class SecurityTally {
  private counts = new Map<string, Count>();
  private immediateLeft: number;
  private readonly timer: NodeJS.Timeout;
  private readonly windowSeconds: number;
  private readonly immediate: number;
  private readonly perKey: number;
  private readonly maxKeys: number;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SecurityTallyOptions) {
    this.windowSeconds = options.windowSeconds ?? 60;
    this.immediate = options.immediate ?? 10;
    this.perKey = options.immediatePerKey ?? 1;
    this.maxKeys = options.keys ?? 20;
    this.immediateLeft = this.immediate;
    this.timer = setInterval(() => void this.flush(), this.windowSeconds * 1000);
    this.timer.unref();
  }

  /**
   * Counts one refusal; its event names the client when known, and the
   * reason. Returns the write of its entry when it is written at once (its
   * failure is the writer's), else a settled promise.
   */
  note(event: SecurityEvent): Promise<void> {
    let key = event.clientId ? `client:${event.clientId}` : `address:${event.address ?? 'unknown'}`;
    if (!this.counts.has(key) && this.counts.size >= this.maxKeys) key = OTHERS;
    let count = this.counts.get(key);
    if (!count) {
      const others = key === OTHERS;
      count = { event: others ? { kind: event.kind, reason: event.reason } : event, refused: 0, written: 0, unwritten: new Map() };
      this.counts.set(key, count);
    }
    count.refused += 1;
    if (key !== OTHERS && count.written < this.perKey && this.immediateLeft > 0) {
      this.immediateLeft -= 1;
      count.written += 1;
      const annotated = `${event.reason} (further refusals within ${this.windowSeconds} s counted in one entry)`;
      const written = this.options.write({ ...event, reason: this.options.annotate === false ? event.reason : annotated });
      this.track(written);
      return written.catch(() => {});
    }
    const reason = count.unwritten.has(event.reason) || count.unwritten.size < REASONS_PER_KEY ? event.reason : OTHER_REASONS;
    count.unwritten.set(reason, (count.unwritten.get(reason) ?? 0) + 1);
    return Promise.resolve();
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
      const reasons =
        count.unwritten.size === 1
          ? [...count.unwritten.keys()][0]!
          : [...count.unwritten].map(([reason, n]) => `${reason} ×${n}`).join('; ');
      const reason = `${unwritten} ${whose ? `${whose} ` : ''}refused within ${this.windowSeconds} s: ${reasons}`;
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
