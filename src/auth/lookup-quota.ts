import { GuessBudgetSpentError, QuotaExceededError } from '../shared/errors.js';
import type { Agency } from '../generated/prisma/enums.js';
import { FIELD_POLICY } from './access-policy.js';
import type { RateCounterRepository } from './rate-counter.repository.js';

/**
 * How a quota reports that a client used it up: a security event the
 * auditors see, naming the field that used it up (and the persons a budget
 * per person was spent on).
 */
export type QuotaEventSink = (event: { quota: string; max: number; message: string; field: string; personIds?: string[] }) => Promise<void>;

/** The day of the quotas: UTC days. */
const DAY_SECONDS = 86_400;

/**
 * What a service that finds a person by ID number needs of the quota: the
 * check before it looks, and the count when it found nothing. `field` is the
 * field coordinate the client asked through (`Query.person`,
 * `Query.certification`, `Mutation.recordCharityAid`, …), named in the event.
 */
export interface IdLookupQuota {
  /** Refuses (QUOTA_EXCEEDED) a lookup of `idNumber` before it looks, when the quota says so. */
  check(idNumber: string): Promise<void>;
  /** Counts a lookup of `idNumber` through `field` that found nothing; may refuse it (QUOTA_EXCEEDED). */
  missed(field: string, idNumber: string): Promise<void>;
}

/** Both quotas, in order: each check, then each count. */
export function bothQuotas(first: IdLookupQuota | null, second: IdLookupQuota | null): IdLookupQuota | null {
  if (!first || !second) return first ?? second;
  return {
    async check(idNumber) {
      await first.check(idNumber);
      await second.check(idNumber);
    },
    async missed(field, idNumber) {
      // Both count, whichever refuses: a refusal of one must not leave the other's count behind.
      const results = await Promise.allSettled([first.missed(field, idNumber), second.missed(field, idNumber)]);
      const refused = results.find((result) => result.status === 'rejected');
      if (refused) throw refused.reason;
    },
  };
}

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
export class MissedLookupQuota implements IdLookupQuota {
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
  async check(_idNumber?: string): Promise<void> {
    const { hits, resetSeconds } = await this.counters.peek(this.key, DAY_SECONDS);
    if (hits > this.max) throw new QuotaExceededError('missedIdLookups', this.max, resetSeconds);
  }

  /** Counts a lookup through `field` that found nothing; the one past the quota is refused and reported. */
  async missed(field: string, _idNumber?: string): Promise<void> {
    const { hits, resetSeconds } = await this.counters.hit(this.key, DAY_SECONDS);
    if (hits <= this.max) return;
    const error = new QuotaExceededError('missedIdLookups', this.max, resetSeconds);
    // Exactly one hit sees max + 1, whichever process counts it: one event per client and day.
    if (hits === this.max + 1) await this.report({ quota: 'missedIdLookups', max: this.max, message: error.message, field });
    throw error;
  }
}

/** The persons a client can see that a full ID number could be the number of, by what the client sees of them. */
export type GuessSuspects = (idNumber: string) => Promise<string[]>;

/**
 * Targeted guesses of one person's ID number, per client and person, for the
 * agencies that see the number masked (`620702***********X`: region and check
 * character) but the birth date in full (limits-policy.ts,
 * `targetedIdGuesses`; which agencies: {@link narrowsMaskedIdNumber}). With
 * those three known, about 91 valid numbers remain (45 with the gender), and
 * the daily quota of misses alone would let such a client confirm one in a
 * few days. So a lookup by full ID number that finds no one, but matches the
 * masked number and birth date of persons the client can see (the
 * "suspects"), counts against a small lifetime budget of each of them; once
 * a suspect's budget is spent, every lookup of a number of that pattern is
 * refused with QUOTA_EXCEEDED *before* looking — a hit as a miss, so that
 * the refusal tells nothing about the guess. A partner that types the right
 * number gets the answer, however often; a typo or two cost nothing else.
 * Counted in PostgreSQL (lifetime counters), across hub processes; the
 * budget's end is reported to the auditors once per client and person.
 * Threat model: docs/masking.md.
 */
export class TargetedGuessBudget implements IdLookupQuota {
  /** The suspects of the last number looked at: `check` and `missed` of one lookup ask once. */
  private last: { idNumber: string; suspects: Promise<string[]> } | null = null;

  constructor(
    private readonly counters: RateCounterRepository,
    private readonly clientId: string,
    private readonly max: number,
    private readonly findSuspects: GuessSuspects,
    private readonly report: QuotaEventSink,
  ) {}

  private suspects(idNumber: string): Promise<string[]> {
    if (this.last?.idNumber !== idNumber) this.last = { idNumber, suspects: this.findSuspects(idNumber) };
    return this.last.suspects;
  }

  private keys(suspects: readonly string[]): string[] {
    return suspects.map((personId) => `targeted-id-guesses:${this.clientId}:${personId}`);
  }

  /** Refuses any lookup of a number whose pattern is a suspect's whose budget is spent: right or wrong alike. */
  async check(idNumber: string): Promise<void> {
    const suspects = await this.suspects(idNumber);
    if (suspects.length === 0) return;
    if ((await this.counters.peekLifetime(this.keys(suspects))) >= this.max) throw new GuessBudgetSpentError(this.max);
  }

  /** Counts a miss against each suspect's budget; the miss that spends one is answered as a miss, and reported. */
  async missed(field: string, idNumber: string): Promise<void> {
    const suspects = await this.suspects(idNumber);
    if (suspects.length === 0) return;
    const hits = await this.counters.hitLifetime(this.keys(suspects));
    // Exactly one miss brings a counter to max, whichever process counts it: one event per client and person.
    const spent = suspects.filter((_, i) => hits[i] === this.max);
    if (spent.length > 0) {
      const { message } = new GuessBudgetSpentError(this.max);
      await this.report({ quota: 'targetedIdGuesses', max: this.max, message, field, personIds: spent });
    }
  }
}

/**
 * Whether an agency sees the ID number masked but the birth date in full:
 * then the masked number and the birth date narrow a person's number to
 * about 91 candidates, and its lookups by full number are held to a budget
 * of targeted guesses. Read from the access policy. An agency that does not
 * see the birth date is not: refusing its guesses by birth date would tell
 * it the birth date it may not see.
 */
export function narrowsMaskedIdNumber(agency: Agency): boolean {
  return FIELD_POLICY['Person.idNumber']?.[agency] === 'masked' && FIELD_POLICY['Person.birthDate']?.[agency] === 'full';
}
