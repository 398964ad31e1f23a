import { formatMoney, Money } from '../../shared/money.js';
import type { EnrollmentDraft, PersonRow, StatusRow, VisitDraft } from './seed.generator.js';
import type { BenefitRow, EnrollmentRow } from './seed.repository.js';

/** How generated enrollments and visits get their subsidy and settlement. */
export interface SeedPolicy {
  subsidize(person: PersonRow, statuses: StatusRow[], enrollment: EnrollmentDraft): EnrollmentRow;
  /** Settles one person's visits in service-date order, carrying the year's accumulators. */
  settle(person: PersonRow, statuses: StatusRow[], visits: VisitDraft[]): BenefitRow[];
}

/** Until the policy engine lands: insurance pays, assistance nothing. */
export const seedPolicy: SeedPolicy = {
  subsidize: (_person, _statuses, enrollment) => ({ ...enrollment, subsidyAmount: null, subsidyCategory: null, ruleSet: null }),
  settle: (_person, _statuses, visits) =>
    visits.map((v) => ({
      ...v,
      assistancePaid: '0.00',
      tiltPaid: '0.00',
      outOfPocket: formatMoney(new Money(v.totalCost).sub(v.basicPaid).sub(v.criticalPaid).sub(v.otherPaid)),
      ruleSet: null,
      category: null,
      explanation: null,
    })),
};
