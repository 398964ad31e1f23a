import { QuotaExceededError } from '../shared/errors.js';
import type { RateCounterRepository } from './rate-counter.repository.js';

/** How the quota reports that a client used it up: a security event the auditors see, naming the field that used it up. */
export type QuotaEventSink = (event: { quota: string; max: number; message: string; field: string }) => Promise<void>;

/** The day of the quotas: UTC days. */
const DAY_SECONDS = 86_400;

/**
 * What a service that finds a person by ID number needs of the quota: the
 * check before it looks, and the count when it found nothing. `field` is the
 * field coordinate the client asked through (`Query.person`,
 * `Query.certification`, `Mutation.recordCharityAid`, …), named in the event.
 */
export type IdLookupQuota = Pick<MissedLookupQuota, 'check' | 'missed'>;

/**
 * Lookups by ID number that find nothing, per client and UTC day: guessing
 * ID numbers is how a partner would find the full number (and so the birth
 * date) of a person it may see only masked. Every way of naming a person by
 * ID number counts against the one quota (`person(idNumber:)`, the
 * `certification` check, writes that name their person by `idNumber`), so
 * that no entry point is an unmetered oracle. Within the quota a miss answers
 * as always; past it every lookup by ID number is refused with QUOTA_EXCEEDED
 * until the day turns, and the first refusal is reported to the auditors
 * once. Counted in PostgreSQL, across hub processes.
 */
export class MissedLookupQuota {
  constructor(
    private readonly counters: RateCounterRepository,
    private readonly clientId: string,
    private readonly max: number,
    private readonly report: QuotaEventSink,
  ) {}

  private get key() {
    return `missed-id-lookups:${this.clientId}`;
  }

  /** Refuses a lookup when today's quota is used up already. */
  async check(): Promise<void> {
    const { hits, resetSeconds } = await this.counters.peek(this.key, DAY_SECONDS);
    if (hits > this.max) throw new QuotaExceededError('missedIdLookups', this.max, resetSeconds);
  }

  /** Counts a lookup through `field` that found nothing; the one past the quota is refused and reported. */
  async missed(field: string): Promise<void> {
    const { hits, resetSeconds } = await this.counters.hit(this.key, DAY_SECONDS);
    if (hits <= this.max) return;
    const error = new QuotaExceededError('missedIdLookups', this.max, resetSeconds);
    // Exactly one hit sees max + 1, whichever process counts it: one event per client and day.
    if (hits === this.max + 1) await this.report({ quota: 'missedIdLookups', max: this.max, message: error.message, field });
    throw error;
  }
}
