import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** Reads households. */
export class HouseholdRepository {
  constructor(private readonly db: Db) {}

  findByIds(ids: readonly string[]) {
    return this.db.household.findMany({ where: { id: { in: padKeys(ids) } } });
  }
}
