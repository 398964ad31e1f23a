import type { Prisma } from '../../generated/prisma/client.js';
import type { FundLevel } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';

/** An inflow to store. */
export interface NewFundInflow {
  regionCode: string;
  year: number;
  month: number;
  level: FundLevel;
  amount: string;
  documentNo: string | null;
  reference: string;
  recordedByClientId: string;
}

/** The only code that touches `fund_inflow`. */
export class FundInflowRepository {
  constructor(private readonly db: Db) {}

  /** The stored inflows with these references. */
  findByReferences(references: readonly string[], client: Db | Prisma.TransactionClient = this.db) {
    return client.fundInflow.findMany({ where: { reference: { in: [...references] } }, orderBy: { reference: 'asc' } });
  }

  /** Stores inflows; a reference stored meanwhile by another writer fails the transaction (unique). */
  async create(tx: Prisma.TransactionClient, rows: readonly NewFundInflow[]) {
    const stored = [];
    for (const row of rows) stored.push(await tx.fundInflow.create({ data: row }));
    return stored;
  }
}
