import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** Reads households. */
export class HouseholdRepository {
  constructor(private readonly db: Db) {}

  /** Households with at least one member in the caller's person scope. */
  findByIds(ids: readonly string[], personScope: Prisma.PersonWhereInput) {
    return this.db.household.findMany({ where: { id: { in: padKeys(ids) }, members: { some: personScope } } });
  }
}
