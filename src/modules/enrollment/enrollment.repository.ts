import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** Reads enrollments. */
export class EnrollmentRepository {
  constructor(private readonly db: Db) {}

  /** Enrollments of the persons, of one year or all, newest year first. */
  findByPersonIds(personIds: readonly string[], year: number | null) {
    return this.db.enrollment.findMany({
      where: { personId: { in: padKeys(personIds) }, ...(year === null ? {} : { year }) },
      orderBy: [{ year: 'desc' }, { scheme: 'asc' }],
    });
  }
}
