/**
 * Holds the answer of a refusal (429) for a moment before sending it, so that
 * a client that floods without waiting for its Retry-After waits anyway: each
 * of its connections sends at most one request per `delayMs`. A held answer
 * costs the hub a timer and an open socket, nothing else; a client that
 * honours Retry-After never meets the delay. At most `maxHeld` answers are
 * held at once per process; past them a refusal is answered at once, so
 * that holding cannot itself exhaust the process.
 */
export class Tarpit {
  private held = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly releases = new Set<() => void>();

  constructor(
    /** Milliseconds a refusal is held (HUB_REFUSAL_DELAY_MS); 0: none. */
    private readonly delayMs: number,
    private readonly maxHeld = 2_000,
  ) {}

  /** Waits `delayMs`, but never longer than `retryAfterSeconds` (the client may send again then; Infinity: no Retry-After). */
  async hold(retryAfterSeconds: number): Promise<void> {
    const ms = Math.min(this.delayMs, Math.max(0, retryAfterSeconds) * 1000);
    if (ms <= 0 || this.held >= this.maxHeld) return;
    this.held += 1;
    try {
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          this.timers.delete(timer);
          this.releases.delete(release);
          resolve();
        };
        const timer = setTimeout(release, ms);
        this.timers.add(timer);
        this.releases.add(release);
      });
    } finally {
      this.held -= 1;
    }
  }

  /** Answers every held refusal now (on shutdown). */
  releaseAll(): void {
    for (const release of [...this.releases]) release();
  }
}
