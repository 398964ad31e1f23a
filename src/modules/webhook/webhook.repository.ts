import type { Prisma } from '../../generated/prisma/client.js';
import type { Agency, DeliveryStatus } from '../../generated/prisma/enums.js';
import type { DeliveryQueue } from '../../server/job-queue.js';
import type { Db } from '../../server/prisma.js';

/** Webhooks and their deliveries; the only code that touches `webhook` and `webhook_delivery`. */
export class WebhookRepository {
  constructor(private readonly db: Db) {}

  /** Stores a webhook with its secret. */
  create(tx: Prisma.TransactionClient, data: { clientId: string; url: string; secret: string }) {
    return tx.webhook.create({ data });
  }

  /** Takes the client's webhook lock for the transaction and counts its active webhooks. */
  async lockAndCountActive(tx: Prisma.TransactionClient, clientId: string): Promise<number> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('webhooks of ' || ${clientId}))`;
    return tx.webhook.count({ where: { clientId, disabledAt: null } });
  }

  /** The client's active webhook of this id, or null. */
  findOwn(id: string, clientId: string) {
    return this.db.webhook.findFirst({ where: { id, clientId, disabledAt: null } });
  }

  /** Stops pushes to a webhook; the row stays, with its deliveries. */
  disable(tx: Prisma.TransactionClient, id: string) {
    return tx.webhook.update({ where: { id }, data: { disabledAt: new Date() } });
  }

  /** The active webhooks of active clients of the given agencies, with what scoping those clients needs. */
  activeFor(agencies: readonly Agency[]) {
    return this.db.webhook.findMany({
      where: { disabledAt: null, client: { status: 'ACTIVE', agency: { in: [...agencies] } } },
      select: { id: true, client: { select: { id: true, agency: true, jurisdiction: true, purposes: true } } },
    });
  }

  /** A page of a client's deliveries, newest first. */
  deliveriesOf(clientId: string, status: DeliveryStatus | null, take: number) {
    return this.db.webhookDelivery.findMany({
      where: { webhook: { clientId }, ...(status && { status }) },
      orderBy: { id: 'desc' },
      take,
    });
  }

  /** A delivery with its webhook and that webhook's client. */
  findDelivery(id: string, client: Db | Prisma.TransactionClient = this.db) {
    return client.webhookDelivery.findUnique({ where: { id }, include: { webhook: { include: { client: true } } } });
  }

  /**
   * Creates the deliveries of an alert or an event not created before, and
   * puts every pending one of them on the queue, in one transaction.
   */
  async enqueueDeliveries(
    subject: { alertId: string } | { eventId: string },
    webhookIds: readonly string[],
    queue: DeliveryQueue,
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.webhookDelivery.createMany({
        data: webhookIds.map((webhookId) => ({ webhookId, alertId: null, eventId: null, ...subject })),
        skipDuplicates: true,
      });
      const pending = await tx.webhookDelivery.findMany({ where: { ...subject, webhookId: { in: [...webhookIds] }, status: 'PENDING' } });
      for (const delivery of pending) await queue.enqueueDelivery(tx, delivery);
    });
  }

  /** Records how an attempt went. */
  attempted(id: string, outcome: { status: DeliveryStatus; error: string | null; attempts: number }) {
    return this.db.webhookDelivery.update({
      where: { id },
      data: {
        status: outcome.status,
        attempts: outcome.attempts,
        lastError: outcome.error?.slice(0, 500) ?? null,
        lastAttemptAt: new Date(),
        ...(outcome.status === 'DELIVERED' && { deliveredAt: new Date() }),
      },
    });
  }

  /** Puts a dead delivery back to PENDING, from attempt zero; null when it is not dead or not the client's. */
  async revive(tx: Prisma.TransactionClient, id: string, clientId: string) {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id, status: 'DEAD', webhook: { clientId } },
      data: { status: 'PENDING', attempts: 0, lastError: null },
    });
    return count === 1 ? tx.webhookDelivery.findUniqueOrThrow({ where: { id } }) : null;
  }
}
