import type { Prisma } from '../../generated/prisma/client.js';
import type { Agency } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

const DAY_MS = 86_400_000;

/** A version that no later version supersedes: the one that counts. */
export const CURRENT_VERSION: Prisma.HouseholdStatusWhereInput = { supersededBy: { is: null } };

/**
 * The SQL form of "active on a date": the current version, begun, not ended
 * (or still in its transition period), and not revoked on or before that day.
 */
export function activeOnWhere(date: Date): Prisma.HouseholdStatusWhereInput {
  return {
    ...CURRENT_VERSION,
    validFrom: { lte: date },
    AND: [
      { OR: [{ validTo: null }, { validTo: { gte: date } }, { transitionUntil: { gte: date } }] },
      { OR: [{ revokedAt: null }, { revokedAt: { gte: new Date(date.getTime() + DAY_MS) } }] },
    ],
  };
}

/** The fields of a new certification version. */
export interface NewStatus {
  personId: string;
  category: Prisma.HouseholdStatusCreateManyInput['category'];
  class: number | null;
  certifiedBy: Agency;
  documentNo: string;
  validFrom: Date;
  validTo: Date | null;
  transitionUntil: Date | null;
  retroactive: boolean;
  supersedesId: string | null;
  certifiedByClientId: string;
}

/** Reads and writes certifications; a write adds a version or revokes one, never edits dates. */
export class HouseholdStatusRepository {
  constructor(private readonly db: Db) {}

  /** Versions by id whose person is in `personScope` (a federated reference to a status). */
  findByIds(ids: readonly string[], personScope: Prisma.PersonWhereInput) {
    return this.db.householdStatus.findMany({ where: { id: { in: padKeys(ids) }, person: personScope } });
  }

  /** Statuses of the persons, all history or those active on `activeOn`, oldest first. */
  findByPersonIds(personIds: readonly string[], activeOn: Date | null) {
    return this.db.householdStatus.findMany({
      where: { personId: { in: padKeys(personIds) }, ...(activeOn ? activeOnWhere(activeOn) : {}) },
      orderBy: [{ validFrom: 'asc' }, { id: 'asc' }],
    });
  }

  /** A version by id when it is current (not superseded by a correction); null otherwise. */
  findCurrent(id: string) {
    return this.db.householdStatus.findFirst({ where: { id, ...CURRENT_VERSION } });
  }

  /** The persons' current versions (what the policy engine reads), oldest first. */
  findCurrentByPersonIds(personIds: readonly string[]) {
    return this.db.householdStatus.findMany({
      where: { personId: { in: padKeys(personIds) }, ...CURRENT_VERSION },
      orderBy: [{ validFrom: 'asc' }, { id: 'asc' }],
    });
  }

  /** The current versions of `category` held on `on` by the holder of `idNumber`, whoever sees them. */
  heldOn(idNumber: string, category: Prisma.HouseholdStatusWhereInput['category'], on: Date) {
    return this.db.householdStatus.findMany({
      where: { person: { idNumber }, category, ...activeOnWhere(on) },
      select: { personId: true, validFrom: true, validTo: true, transitionUntil: true },
    });
  }

  /** A status whose person lies within `personScope`, with whether a later version supersedes it. */
  findInScope(id: string, personScope: Prisma.PersonWhereInput) {
    return this.db.householdStatus.findFirst({
      where: { id, person: personScope },
      include: { supersededBy: { select: { id: true } } },
    });
  }

  /**
   * Serialises writes of one (agency, documentNo) until the transaction ends,
   * so that two concurrent certifications of the same document store one version.
   */
  async lockDocument(tx: Prisma.TransactionClient, agency: Agency, documentNo: string): Promise<void> {
    // Shared with other single writes, exclusive against a bulk import batch of the same agency (lockImport).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${`status-import:${agency}`}, 0))`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`status:${agency}:${documentNo}`}, 0))`;
  }

  /** Held by a bulk import batch: no single certification of the agency interleaves with it. */
  static async lockImport(tx: Prisma.TransactionClient, agency: Agency): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`status-import:${agency}`}, 0))`;
  }

  /** The current version certified by `agency` under `documentNo`, if any. */
  currentByDocument(tx: Prisma.TransactionClient, agency: Agency, documentNo: string) {
    return tx.householdStatus.findFirst({ where: { certifiedBy: agency, documentNo, ...CURRENT_VERSION } });
  }

  create(tx: Prisma.TransactionClient, data: NewStatus) {
    return tx.householdStatus.create({ data });
  }

  revoke(tx: Prisma.TransactionClient, id: string, data: { revokedAt: Date; revokeReason: string; revokedByClientId: string }) {
    return tx.householdStatus.update({ where: { id }, data });
  }
}

/**
 * {@link activeOnWhere} in SQL, for the status alias `s` and the `date`
 * placeholder (a `date`): the same four conditions, for planned reads.
 */
export function activeOnSql(s: string, date: string): string {
  return (
    `NOT EXISTS (SELECT 1 FROM household_status c WHERE c.supersedes_id = ${s}.id) AND ${s}.valid_from <= ${date}` +
    ` AND (${s}.valid_to IS NULL OR ${s}.valid_to >= ${date} OR ${s}.transition_until >= ${date})` +
    ` AND (${s}.revoked_at IS NULL OR ${s}.revoked_at >= ((${date} + 1)::timestamp AT TIME ZONE 'UTC'))`
  );
}
