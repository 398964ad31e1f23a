import type { Prisma } from '../generated/prisma/client.js';
import type { AlertOutbox } from '../modules/alert/alert.store.js';

/** The jobs of the alert outbox, and their payloads. */
export const JOBS = {
  /** Fans an alert out to the webhooks of its target agencies. */
  fanOut: 'deliver_alert',
  /** POSTs one alert to one webhook, retried with backoff until a 2xx or the last attempt. */
  deliver: 'deliver_webhook',
} as const;

/** Puts a webhook delivery (back) on the queue, in the caller's transaction. */
export interface DeliveryQueue {
  enqueueDelivery(tx: Prisma.TransactionClient, deliveryId: string): Promise<void>;
}

/**
 * The outbox on graphile-worker's queue in the hub's own PostgreSQL: jobs
 * are rows added by `graphile_worker.add_job` inside the caller's
 * transaction, so they exist exactly when the alert does. Job keys make a
 * repeated enqueue replace rather than duplicate.
 */
export class JobQueue implements AlertOutbox, DeliveryQueue {
  /** @param maxAttempts attempts of one webhook delivery before it is dead (graphile-worker waits e^n seconds after the n-th failure). */
  constructor(private readonly maxAttempts: number) {}

  /** Puts the alerts on the way to their webhooks (the fan-out job), in the caller's transaction. */
  async enqueue(tx: Prisma.TransactionClient, alertIds: readonly string[]): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.fanOut}, json_build_object('alertId', id), job_key => 'alert:' || id, max_attempts => 25)
      FROM unnest(${[...alertIds]}::uuid[]) AS id`;
  }

  /** Puts one webhook delivery (back) on the queue, keyed by its id, in the caller's transaction. */
  async enqueueDelivery(tx: Prisma.TransactionClient, deliveryId: string): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.deliver}, json_build_object('deliveryId', ${deliveryId}::uuid),
        job_key => ${`webhook-delivery:${deliveryId}`}, max_attempts => ${this.maxAttempts}::int)`;
  }
}
