import type { Decimal } from 'decimal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { AssistanceCategory, Scheme } from '../../shared/enums.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** Reads enrollments. */
export class EnrollmentRepository {
  constructor(private readonly db: Db) {}

  /** Enrollments by id whose person is in `personScope` (a federated reference to an enrollment). */
  findByIds(ids: readonly string[], personScope: Prisma.PersonWhereInput) {
    return this.db.enrollment.findMany({ where: { id: { in: padKeys(ids) }, person: personScope } });
  }

  /** Enrollments of the persons, of one year or all, newest year first. */
  findByPersonIds(personIds: readonly string[], year: number | null) {
    return this.db.enrollment.findMany({
      where: { personId: { in: padKeys(personIds) }, ...(year === null ? {} : { year }) },
      orderBy: [{ year: 'desc' }, { scheme: 'asc' }],
    });
  }

  /** A person's enrollment in a scheme and year, if recorded. */
  find(personId: string, year: number, scheme: Scheme) {
    return this.db.enrollment.findUnique({ where: { personId_year_scheme: { personId, year, scheme } } });
  }

  /** Stores an enrollment, ENROLLED. */
  create(
    tx: Prisma.TransactionClient,
    data: {
      personId: string;
      year: number;
      scheme: Scheme;
      personalContribution: Decimal | null;
      subsidyAmount: Decimal | null;
      subsidyCategory: AssistanceCategory | null;
      ruleSet: string | null;
    },
  ) {
    return tx.enrollment.create({ data: { ...data, status: 'ENROLLED' } });
  }
}
