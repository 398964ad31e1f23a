import type { Prisma } from '../../generated/prisma/client.js';
import type { Agency, AlertOutcome, AlertStatus } from '../../shared/enums.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** Reads alerts and moves them through their lifecycle (`AlertStore` adds them). */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  /** A page of alerts, newest first (ids are time-ordered UUIDv7), after `afterId` when given. */
  page(where: Prisma.AlertWhereInput, take: number, afterId: string | null) {
    return this.db.alert.findMany({
      where: afterId ? { AND: [where, { id: { lt: afterId } }] } : where,
      orderBy: { id: 'desc' },
      take,
    });
  }

  /** How many alerts of `where` stand at each status. */
  async countsByStatus(where: Prisma.AlertWhereInput): Promise<{ status: AlertStatus; count: number }[]> {
    const groups = await this.db.alert.groupBy({ by: ['status'], where, _count: { _all: true } });
    return groups.map((group) => ({ status: group.status, count: group._count._all }));
  }

  /** The first alert of `where`, or null. */
  findOne(where: Prisma.AlertWhereInput, client: Db | Prisma.TransactionClient = this.db) {
    return client.alert.findFirst({ where });
  }

  /** Alerts of the persons within `where`, newest first. */
  findByPersonIds(personIds: readonly string[], where: Prisma.AlertWhereInput) {
    return this.db.alert.findMany({ where: { AND: [where, { personId: { in: padKeys(personIds) } }] }, orderBy: { id: 'desc' } });
  }

  /** Moves an alert, but only from one of `from`: a concurrent move makes this a no-op (null). */
  async move(
    tx: Prisma.TransactionClient,
    id: string,
    from: readonly AlertStatus[],
    data: { status: AlertStatus; outcome?: AlertOutcome; note?: string | null; handledByClientId: string },
  ) {
    const { count } = await tx.alert.updateMany({ where: { id, status: { in: [...from] } }, data: { ...data, handledAt: new Date() } });
    return count === 1 ? tx.alert.findUniqueOrThrow({ where: { id } }) : null;
  }

  /** The deliveries of the alerts, oldest first. */
  deliveriesByAlertIds(alertIds: readonly string[]) {
    return this.db.alertDelivery.findMany({ where: { alertId: { in: padKeys(alertIds) } }, orderBy: { deliveredAt: 'asc' } });
  }

  /**
   * Records that an alert reached a client of a target agency (once per
   * client and channel), and marks the alert DELIVERED once every target
   * agency has been reached, unless its handling has moved on already.
   */
  async recordDelivery(alertId: string, agency: Agency, clientId: string, channel: 'WEBHOOK' | 'SUBSCRIPTION'): Promise<void> {
    await this.db.$transaction(async (tx) => {
      // Two targets reached at once would each miss the other's uncommitted row: take turns on the alert.
      await tx.$executeRaw`SELECT 1 FROM alert WHERE id = ${alertId}::uuid FOR UPDATE`;
      await tx.alertDelivery.createMany({ data: [{ alertId, agency, clientId, channel }], skipDuplicates: true });
      await tx.$executeRaw`
        UPDATE alert SET status = 'DELIVERED'
        WHERE id = ${alertId}::uuid AND status = 'RAISED'
          AND targets <@ (SELECT array_agg(DISTINCT agency) FROM alert_delivery WHERE alert_id = ${alertId}::uuid)`;
    });
  }
}
