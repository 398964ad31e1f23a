import type { Decimal } from 'decimal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';
import type { PaymentKind } from './partner-payment.rules.js';

/** A partner payment in the shape shared by both kinds. */
export interface StoredPayment {
  id: string;
  personId: string;
  clientId: string;
  amount: Decimal;
  paidOn: Date;
  reference: string;
  relatedClaimId: string | null;
  note: string | null;
  createdAt: Date;
}

/** The fields of a new payment. */
export type NewPayment = Omit<StoredPayment, 'id' | 'createdAt'>;

type AidRow = Awaited<ReturnType<Db['charityAid']['create']>>;
type ClaimRow = Awaited<ReturnType<Db['commercialClaim']['create']>>;

const fromAid = (row: AidRow): StoredPayment => ({ ...row, relatedClaimId: row.claimId });
const fromClaim = (row: ClaimRow): StoredPayment => ({ ...row, reference: row.claimReference, note: null });

/** Reads and writes charity aid and commercial claims (two tables, one shape); the only code that touches them. */
export class PartnerPaymentRepository {
  constructor(private readonly db: Db) {}

  async findByReference(
    tx: Prisma.TransactionClient,
    kind: PaymentKind,
    clientId: string,
    reference: string,
  ): Promise<StoredPayment | null> {
    if (kind === 'CHARITY_AID') {
      const row = await tx.charityAid.findUnique({ where: { clientId_reference: { clientId, reference } } });
      return row && fromAid(row);
    }
    const row = await tx.commercialClaim.findUnique({ where: { clientId_claimReference: { clientId, claimReference: reference } } });
    return row && fromClaim(row);
  }

  async create(tx: Prisma.TransactionClient, kind: PaymentKind, data: NewPayment): Promise<StoredPayment> {
    const { relatedClaimId, reference, note, ...common } = data;
    if (kind === 'CHARITY_AID')
      return fromAid(await tx.charityAid.create({ data: { ...common, reference, note, claimId: relatedClaimId } }));
    return fromClaim(await tx.commercialClaim.create({ data: { ...common, claimReference: reference, relatedClaimId } }));
  }

  /** The persons' payments of one kind, of a calendar year or all, of one client or all, newest first. */
  async findByPersonIds(
    kind: PaymentKind,
    personIds: readonly string[],
    year: number | null,
    clientId: string | null,
  ): Promise<StoredPayment[]> {
    const where = {
      personId: { in: padKeys(personIds) },
      ...(year === null ? {} : { paidOn: { gte: new Date(Date.UTC(year, 0, 1)), lt: new Date(Date.UTC(year + 1, 0, 1)) } }),
      ...(clientId === null ? {} : { clientId }),
    };
    const orderBy = [{ paidOn: 'desc' as const }, { id: 'desc' as const }];
    if (kind === 'CHARITY_AID') return (await this.db.charityAid.findMany({ where, orderBy })).map(fromAid);
    return (await this.db.commercialClaim.findMany({ where, orderBy })).map(fromClaim);
  }
}
