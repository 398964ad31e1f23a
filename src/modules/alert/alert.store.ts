import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import type { AlertDraft } from './alert.draft.js';

/** The PostgreSQL NOTIFY channel that carries the id of every alert stored, once committed. */
export const ALERT_CHANNEL = 'alert_raised';

/** An alert to store, with the settled visit that raised it (null for a yearly rule). */
export type NewAlert = AlertDraft & { readonly benefitId: string | null };

/** Puts freshly stored alerts on the way to their targets, in the transaction that stored them (the outbox). */
export interface AlertOutbox {
  enqueue(tx: Prisma.TransactionClient, alertIds: readonly string[]): Promise<void>;
}

/**
 * Stores raised alerts: an alert whose dedupe key exists is not raised again,
 * and each new one enters the outbox in the same transaction, so that no
 * committed alert can miss its delivery and no rolled-back one is delivered.
 */
export class AlertStore {
  constructor(
    private readonly db: Db,
    private readonly outbox: AlertOutbox | null,
  ) {}

  /** `insert` in a transaction of its own, for alerts raised apart from any other write (a monitoring run). */
  store(alerts: readonly NewAlert[]): Promise<{ id: string; personId: string }[]> {
    return this.db.$transaction((tx) => this.insert(tx, alerts));
  }

  /** Stores the alerts not stored before; returns those it stored. */
  async insert(tx: Prisma.TransactionClient, alerts: readonly NewAlert[]): Promise<{ id: string; personId: string }[]> {
    if (alerts.length === 0) return [];
    const created = await tx.alert.createManyAndReturn({
      data: alerts.map((alert) => ({ ...alert, targets: [...alert.targets] })),
      skipDuplicates: true,
      select: { id: true, personId: true },
    });
    const ids = created.map(({ id }) => id);
    if (ids.length === 0) return created;
    await this.outbox?.enqueue(tx, ids);
    // Live subscribers learn of the alerts on commit (a rolled-back transaction notifies nobody).
    await tx.$executeRaw`SELECT pg_notify(${ALERT_CHANNEL}, id::text) FROM unnest(${ids}::uuid[]) AS id`;
    return created;
  }
}
