import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

const DAY_MS = 86_400_000;

/**
 * The SQL form of "active on a date": begun, not ended (or still in its
 * transition period), and not revoked on or before that day.
 */
export function activeOnWhere(date: Date): Prisma.HouseholdStatusWhereInput {
  return {
    validFrom: { lte: date },
    AND: [
      { OR: [{ validTo: null }, { validTo: { gte: date } }, { transitionUntil: { gte: date } }] },
      { OR: [{ revokedAt: null }, { revokedAt: { gte: new Date(date.getTime() + DAY_MS) } }] },
    ],
  };
}

/** Reads certifications. */
export class HouseholdStatusRepository {
  constructor(private readonly db: Db) {}

  /** Statuses of the persons, all history or those active on `activeOn`, oldest first. */
  findByPersonIds(personIds: readonly string[], activeOn: Date | null) {
    return this.db.householdStatus.findMany({
      where: { personId: { in: padKeys(personIds) }, ...(activeOn ? activeOnWhere(activeOn) : {}) },
      orderBy: [{ validFrom: 'asc' }, { id: 'asc' }],
    });
  }
}
