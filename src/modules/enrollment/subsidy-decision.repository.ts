import type { Decimal } from 'decimal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { AssistanceCategory } from '../../shared/enums.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';
import type { ExplanationStep } from '../policy/policy.types.js';

/** A decision to store. */
export interface NewSubsidyDecision {
  enrollmentId: string;
  statusId: string;
  decidedOn: Date;
  previousAmount: Decimal;
  amount: Decimal;
  difference: Decimal;
  category: AssistanceCategory;
  ruleSet: string;
  explanation: readonly ExplanationStep[];
}

/** Subsidy decisions on new certifications; the only code that touches their table. */
export class SubsidyDecisionRepository {
  constructor(private readonly db: Db) {}

  /** The decision a certification version led to for an enrollment, if any. */
  find(enrollmentId: string, statusId: string) {
    return this.db.subsidyDecision.findUnique({ where: { enrollmentId_statusId: { enrollmentId, statusId } } });
  }

  /** The decisions of the enrollments, oldest first. */
  findByEnrollmentIds(ids: readonly string[]) {
    return this.db.subsidyDecision.findMany({
      where: { enrollmentId: { in: padKeys(ids) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * Stores the decision and raises the enrollment's subsidy to it, in one
   * transaction; null when the enrollment's subsidy is no longer
   * `previousAmount` (decided meanwhile) or the decision exists already.
   */
  async store(decision: NewSubsidyDecision) {
    return this.db.$transaction(async (tx: Prisma.TransactionClient) => {
      const { count } = await tx.enrollment.updateMany({
        where: {
          id: decision.enrollmentId,
          // A null subsidy is 0: the enrollment was recorded before any category earned one.
          OR: decision.previousAmount.isZero()
            ? [{ subsidyAmount: null }, { subsidyAmount: decision.previousAmount.toFixed(2) }]
            : [{ subsidyAmount: decision.previousAmount.toFixed(2) }],
          subsidyDecisions: { none: { statusId: decision.statusId } },
        },
        data: { subsidyAmount: decision.amount.toFixed(2), subsidyCategory: decision.category, ruleSet: decision.ruleSet },
      });
      if (count !== 1) return null;
      return tx.subsidyDecision.create({
        data: {
          ...decision,
          previousAmount: decision.previousAmount.toFixed(2),
          amount: decision.amount.toFixed(2),
          difference: decision.difference.toFixed(2),
          explanation: decision.explanation as unknown as Prisma.InputJsonArray,
        },
      });
    });
  }
}
