import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';
import type { AssistanceCategory } from '../../shared/enums.js';
import { activeOnWhere } from '../status/household-status.repository.js';

/** The criteria of `persons(filter:)`, already validated. */
export interface PersonCriteria {
  regionPrefix?: string | null;
  category?: AssistanceCategory | null;
  activeOn?: Date | null;
}

/** Reads persons. Every method takes the caller's row scope, so rows out of scope never leave SQL. */
export class PersonRepository {
  constructor(private readonly db: Db) {}

  findByIds(ids: readonly string[], scope: Prisma.PersonWhereInput = {}) {
    return this.db.person.findMany({ where: { AND: [{ id: { in: padKeys(ids) } }, scope] } });
  }

  findByIdNumber(idNumber: string, scope: Prisma.PersonWhereInput = {}) {
    return this.db.person.findFirst({ where: { AND: [{ idNumber }, scope] } });
  }

  /** Members of the households, ordered by id (stable). */
  findByHouseholdIds(householdIds: readonly string[], scope: Prisma.PersonWhereInput = {}) {
    return this.db.person.findMany({
      where: { AND: [{ householdId: { in: padKeys(householdIds) } }, scope] },
      orderBy: { id: 'asc' },
    });
  }

  /**
   * One keyset page ordered by id, fetching one row more than asked so the
   * caller knows whether another page follows, and the total matching count.
   */
  async page(criteria: PersonCriteria, first: number, afterId: string | null, scope: Prisma.PersonWhereInput = {}) {
    const where: Prisma.PersonWhereInput = { AND: [criteriaWhere(criteria), scope] };
    const [rows, totalCount] = await Promise.all([
      this.db.person.findMany({
        where: afterId ? { AND: [where, { id: { gt: afterId } }] } : where,
        orderBy: { id: 'asc' },
        take: first + 1,
      }),
      this.db.person.count({ where }),
    ]);
    return { rows, totalCount };
  }
}

function criteriaWhere({ regionPrefix, category, activeOn }: PersonCriteria): Prisma.PersonWhereInput {
  const where: Prisma.PersonWhereInput = {};
  if (regionPrefix) where.regionCode = { startsWith: regionPrefix };
  if (category || activeOn) {
    where.statuses = {
      some: { ...(category ? { category } : {}), ...(activeOn ? activeOnWhere(activeOn) : {}) },
    };
  }
  return where;
}
