import type { AssistanceCategory } from '../../generated/prisma/enums.js';
import type { IdLookupQuota } from '../../auth/lookup-quota.js';
import { requireIdNumber } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { CertificationCheck } from './certification-check.type.js';
import type { HouseholdStatusRepository } from './household-status.repository.js';

const NO: CertificationCheck = { holds: false, validFrom: null, validTo: null };

/**
 * `certification(idNumber, category, on)`: the check a charity, an insurer or
 * a casework agency makes before it pays or decides. It answers across the
 * hub (the caller knows the number of the person it serves) but only whether
 * the category holds and from when to when: an unknown ID number and a person
 * without the category answer alike. Every check is audited, naming the
 * person when there is one. A check that finds no certification counts
 * against the client's quota of lookups by ID number that find nothing, as
 * `person(idNumber:)` does: "holds" for a guessed number is what a guesser
 * looks for, and an unknown number must not be told from one without the
 * category, not even by the quota.
 */
export class CertificationCheckService {
  constructor(
    private readonly statuses: HouseholdStatusRepository,
    private readonly audit: AuditWriter,
    /** Checks that find nothing, counted against the client's daily quota; none: not counted. */
    private readonly missedLookups: IdLookupQuota | null = null,
  ) {}

  async check(idNumber: string, category: AssistanceCategory, on: Date): Promise<CertificationCheck> {
    const number = requireIdNumber(idNumber, 'idNumber');
    this.audit.record({ fields: ['CertificationCheck.holds'] });
    await this.missedLookups?.check(number);
    const held = await this.statuses.heldOn(number, category, on);
    if (held.length === 0) {
      await this.missedLookups?.missed('Query.certification', number);
      return NO;
    }
    this.audit.record({ personIds: [held[0]!.personId] });
    const end = (s: (typeof held)[number]) =>
      s.validTo === null ? null : s.transitionUntil && s.transitionUntil > s.validTo ? s.transitionUntil : s.validTo;
    // Several versions may hold at once (two documents): the one that lasts longest answers.
    const best = held.reduce((a, b) => {
      const ea = end(a);
      const eb = end(b);
      return ea === null ? a : eb === null || eb > ea ? b : a;
    });
    return { holds: true, validFrom: best.validFrom, validTo: end(best) };
  }
}
