import type { Prisma } from '../../generated/prisma/client.js';
import type { Purpose } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';

/** Which grant: a charity referral or an insurer consent (two tables of the same shape). */
export type GrantKind = 'REFERRAL' | 'CONSENT';

/** The fields of a new grant. */
export interface NewGrant {
  personId: string;
  clientId: string;
  purpose: Purpose;
  validFrom: Date;
  validTo: Date | null;
  createdByClientId: string;
}

/** Writes and reads referrals and consents; the only code that touches their tables. */
export class SharingRepository {
  constructor(private readonly db: Db) {}

  create(tx: Prisma.TransactionClient, kind: GrantKind, data: NewGrant) {
    return kind === 'REFERRAL' ? tx.charityReferral.create({ data }) : tx.consent.create({ data });
  }

  /** The grant, if its person is within `personScope`. */
  findInScope(kind: GrantKind, id: string, personScope: Prisma.PersonWhereInput) {
    const where = { id, person: personScope };
    return kind === 'REFERRAL' ? this.db.charityReferral.findFirst({ where }) : this.db.consent.findFirst({ where });
  }

  revoke(tx: Prisma.TransactionClient, kind: GrantKind, id: string, at: Date) {
    const args = { where: { id }, data: { revokedAt: at } };
    return kind === 'REFERRAL' ? tx.charityReferral.update(args) : tx.consent.update(args);
  }

  /** The partner client, when it exists and is active. */
  activeClient(id: string) {
    return this.db.client.findFirst({ where: { id, status: 'ACTIVE' }, select: { id: true, agency: true } });
  }

  /** One page (one row more than asked) of the client's grants active on `on`, in id order, and their count. */
  async activePage(kind: GrantKind, clientId: string, on: Date, first: number, afterId: string | null) {
    const where = {
      clientId,
      revokedAt: null,
      validFrom: { lte: on },
      OR: [{ validTo: null }, { validTo: { gte: on } }],
    };
    const page = { where: afterId ? { ...where, id: { gt: afterId } } : where, orderBy: { id: 'asc' as const }, take: first + 1 };
    const [rows, totalCount] =
      kind === 'REFERRAL'
        ? await Promise.all([this.db.charityReferral.findMany(page), this.db.charityReferral.count({ where })])
        : await Promise.all([this.db.consent.findMany(page), this.db.consent.count({ where })]);
    return { rows, totalCount };
  }

  /** Whether the person exists within `personScope`. */
  async personInScope(id: string, personScope: Prisma.PersonWhereInput): Promise<boolean> {
    return (await this.db.person.count({ where: { AND: [{ id }, personScope] } })) > 0;
  }
}
