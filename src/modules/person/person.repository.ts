import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import { createHash } from 'node:crypto';
import { parseIdNumber } from '../../shared/id-number.js';
import { padKeys } from '../../shared/loader.js';
import { planPoolOf } from '../../shared/planned.js';
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

  /**
   * The persons within `scope` whose number a full ID number could be by what
   * a masked view shows of it: the same region and check character (the
   * masked number) and the birth date it encodes. At most 20.
   */
  async suspectsOf(idNumber: string, scope: Prisma.PersonWhereInput = {}): Promise<string[]> {
    const parsed = parseIdNumber(idNumber);
    if (!parsed.ok) return [];
    const rows = await this.db.person.findMany({
      where: {
        AND: [
          { idNumber: { startsWith: parsed.facts.regionCode, endsWith: idNumber.slice(-1).toUpperCase() } },
          { birthDate: new Date(`${parsed.facts.birthDate}T00:00:00Z`) },
          scope,
        ],
      },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: 20,
    });
    return rows.map((row) => row.id);
  }

  /** Members of the households, ordered by id (stable). */
  findByHouseholdIds(householdIds: readonly string[], scope: Prisma.PersonWhereInput = {}) {
    return this.db.person.findMany({
      where: { AND: [{ householdId: { in: padKeys(householdIds) } }, scope] },
      orderBy: { id: 'asc' },
    });
  }

  /** The household, when its region lies within `jurisdiction`. */
  householdInJurisdiction(id: string, jurisdiction: string) {
    return this.db.household.findFirst({ where: { id, regionCode: { startsWith: jurisdiction } } });
  }

  /** Creates a household in `regionCode`. */
  createHousehold(tx: Prisma.TransactionClient, regionCode: string) {
    return tx.household.create({ data: { regionCode } });
  }

  /** Stores a registered person. */
  create(tx: Prisma.TransactionClient, data: Prisma.PersonUncheckedCreateInput) {
    return tx.person.create({ data });
  }

  /** Changes a person's contact, residence or household, and keeps each changed field's old and new value. */
  async update(
    tx: Prisma.TransactionClient,
    id: string,
    data: Prisma.PersonUncheckedUpdateInput,
    changes: { field: string; before: string | null; after: string | null }[],
    clientId: string,
  ) {
    const person = await tx.person.update({ where: { id }, data });
    await tx.personChange.createMany({ data: changes.map((change) => ({ ...change, personId: id, clientId })) });
    return person;
  }

  /** The persons' changes, oldest first. */
  changesByPersonIds(ids: readonly string[]) {
    return this.db.personChange.findMany({ where: { personId: { in: padKeys(ids) } }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }

  /**
   * Runs a planned read (person.plan.ts): one statement, one row of the
   * page's JSON and its count. A named (prepared) statement on the pool's
   * connections, so PostgreSQL parses and plans each shape once per
   * connection, not once per request; through Prisma when no pool is known.
   */
  async planned(text: string, values: unknown[]): Promise<{ total: number | null; rows: string }> {
    type Row = { total: number | null; rows: string };
    const pool = planPoolOf(this.db);
    if (!pool) return (await this.db.$queryRawUnsafe<Row[]>(text, ...values))[0]!;
    const name = `plan_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    return (await pool.query({ name, text, values })).rows[0] as Row;
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
