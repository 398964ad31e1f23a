import type { Prisma } from '../generated/prisma/client.js';
import type { AlertOutbox } from '../modules/alert/alert.store.js';
import { currentRequest } from '../shared/request-scope.js';
import type { EventOutbox } from '../modules/event/event.store.js';

/** The jobs of the alert outbox, and their payloads. */
export const JOBS = {
  /** Fans an alert out to the webhooks of its target agencies. */
  fanOut: 'deliver_alert',
  /** POSTs one alert or event to one webhook, retried with backoff until a 2xx or the last attempt. */
  deliver: 'deliver_webhook',
  /** Fans an exchange event (a certification, a decision) out to the webhooks of the clients that act on it. */
  fanOutEvent: 'deliver_event',
  /** Runs a bulk import sent over HTTP (`POST /imports/{kind}`). */
  runImport: 'run_import',
  /** What the hub itself does on a new certification: the subsidy decision, supplementary assistance. */
  followCertification: 'follow_certification',
  /** A batch of events (a bulk import's): expanded into one `deliver_event` job per event. */
  fanOutEventBatch: 'deliver_event_batch',
  /** The certifications of a batch of events: expanded into one `follow_certification` job per certification version. */
  followCertificationBatch: 'follow_certification_batch',
} as const;

/** What the expansion of a batch job runs its one statement on (the dispatcher's pool). */
export interface Queryable {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Attempts of one import job: a run cut short (a restart, a lost connection) starts again, idempotently. */
export const IMPORT_MAX_ATTEMPTS = 3;

/** Puts a webhook delivery (back) on the queue, in the caller's transaction. */
export interface DeliveryQueue {
  enqueueDelivery(tx: Prisma.TransactionClient, delivery: { id: string; webhookId: string }): Promise<void>;
}

/** The id of the request that enqueues, carried in the job so that the job's logs name it; null from commands. */
function requestId(): string | null {
  return currentRequest()?.requestId ?? null;
}

/**
 * The outbox on graphile-worker's queue in the hub's own PostgreSQL: jobs
 * are rows added by `graphile_worker.add_job` inside the caller's
 * transaction, so they exist exactly when the alert does. Job keys make a
 * repeated enqueue replace rather than duplicate.
 */
export class JobQueue implements AlertOutbox, DeliveryQueue, EventOutbox {
  /**
   * @param maxAttempts attempts of one webhook delivery before it is dead (graphile-worker waits e^n seconds after the n-th failure).
   * @param lanesPerEndpoint how many POSTs to one webhook may be in flight at once (default 2).
   */
  constructor(
    private readonly maxAttempts: number,
    private readonly lanesPerEndpoint = 2,
  ) {}

  /** Puts the alerts on the way to their webhooks (the fan-out job), in the caller's transaction. */
  async enqueue(tx: Prisma.TransactionClient, alertIds: readonly string[]): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.fanOut}, json_build_object('alertId', id, 'requestId', ${requestId()}::text), job_key => 'alert:' || id, max_attempts => 25)
      FROM unnest(${[...alertIds]}::uuid[]) AS id`;
  }

  /** Puts an exchange event on the way to its webhooks (the fan-out job), in the caller's transaction. */
  async enqueueEvent(tx: Prisma.TransactionClient, eventId: string): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.fanOutEvent}, json_build_object('eventId', ${eventId}::uuid, 'requestId', ${requestId()}::text),
        job_key => ${`event:${eventId}`}, max_attempts => 25)`;
  }

  /**
   * Puts a batch of events (`hub_event.batch_id`) on the way, in one statement whatever its size, in the caller's
   * transaction: one fan-out job, and with `followUps` one follow-up job for the certifications they are about. The
   * dispatcher expands each into the per-event (per-certification) jobs `enqueueEvent` (`enqueueFollowUp`) would have
   * added, keyed alike: a batch job run again (after a crash) replaces those still waiting, and each of them is idempotent.
   */
  async enqueueEventBatch(tx: Prisma.TransactionClient, batchId: string, options: { followUps: boolean }): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_jobs(array(
        SELECT json_populate_record(null::graphile_worker.job_spec,
          json_build_object('identifier', identifier, 'payload', json_build_object('batchId', ${batchId}::uuid, 'requestId', ${requestId()}::text), 'job_key', identifier || ':' || ${batchId}::text,
            'max_attempts', 25))
        FROM unnest(${options.followUps ? [JOBS.fanOutEventBatch, JOBS.followCertificationBatch] : [JOBS.fanOutEventBatch]}::text[]) AS identifier))`;
  }

  /** The fan-out job of each event of a batch, keyed as `enqueueEvent`'s; returns how many events the batch holds. */
  async expandEventBatch(db: Queryable, batchId: string, requestId: string | null): Promise<number> {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM graphile_worker.add_jobs(array(
         SELECT json_populate_record(null::graphile_worker.job_spec,
           json_build_object('identifier', $2::text, 'payload', json_build_object('eventId', id, 'requestId', $3::text),
             'job_key', 'event:' || id, 'max_attempts', 25))
         FROM hub_event WHERE batch_id = $1 ORDER BY id))`,
      [batchId, JOBS.fanOutEvent, requestId],
    );
    return (rows[0] as { n: number }).n;
  }

  /** The follow-up job of each certification version a batch's events are about, keyed as `enqueueFollowUp`'s. */
  async expandFollowUpBatch(db: Queryable, batchId: string, requestId: string | null): Promise<number> {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM graphile_worker.add_jobs(array(
         SELECT json_populate_record(null::graphile_worker.job_spec,
           json_build_object('identifier', $2::text, 'payload', json_build_object('statusId', subject_id, 'requestId', $3::text),
             'job_key', 'certification:' || subject_id, 'max_attempts', 25))
         FROM hub_event WHERE batch_id = $1 AND kind = 'certification.granted' ORDER BY id))`,
      [batchId, JOBS.followCertification, requestId],
    );
    return (rows[0] as { n: number }).n;
  }

  /** Puts an import sent over HTTP on the queue, in the caller's transaction; imports run one at a time. */
  async enqueueImport(tx: Prisma.TransactionClient, importId: string): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.runImport}, json_build_object('importId', ${importId}::uuid, 'requestId', ${requestId()}::text),
        queue_name => 'imports', job_key => ${`import:${importId}`}, max_attempts => ${IMPORT_MAX_ATTEMPTS}::int)`;
  }

  /** Puts the hub's own follow-up of a certification version on the queue, once, in the caller's transaction. */
  async enqueueFollowUp(tx: Prisma.TransactionClient, statusId: string): Promise<void> {
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.followCertification}, json_build_object('statusId', ${statusId}::uuid, 'requestId', ${requestId()}::text),
        job_key => ${`certification:${statusId}`}, max_attempts => 25)`;
  }

  /**
   * Puts one webhook delivery (back) on the queue, keyed by its id, in the
   * caller's transaction. Each webhook's deliveries go into a few named
   * queues of their own (graphile-worker runs one job of a named queue at a
   * time), so a slow endpoint holds at most that many of the dispatcher's
   * slots and never delays the others'.
   */
  async enqueueDelivery(tx: Prisma.TransactionClient, delivery: { id: string; webhookId: string }): Promise<void> {
    const lane = parseInt(delivery.id.slice(-4), 16) % this.lanesPerEndpoint;
    await tx.$executeRaw`
      SELECT graphile_worker.add_job(${JOBS.deliver}, json_build_object('deliveryId', ${delivery.id}::uuid, 'requestId', ${requestId()}::text),
        queue_name => ${`webhook:${delivery.webhookId}:${lane}`},
        job_key => ${`webhook-delivery:${delivery.id}`}, max_attempts => ${this.maxAttempts}::int)`;
  }
}
