import { Logger, run, type Runner, type Task } from 'graphile-worker';
import type pg from 'pg';
import { log } from '../shared/log.js';
import { webhookOutcomes } from '../shared/metrics.js';
import { runInRequest } from '../shared/request-scope.js';
import type { Repositories } from './context.js';
import { JOBS, type JobQueue } from './job-queue.js';
import { WebhookDispatcher, type DispatchOptions } from '../modules/webhook/webhook.dispatch.js';
import { SubsidyDecisionService } from '../modules/enrollment/subsidy-decision.service.js';
import { CertificationFollowUp } from '../modules/status/certification.follow-up.js';
import { SupplementService } from '../modules/settlement/supplement.service.js';
import { StoredApplications } from '../modules/application/application.source.js';

/** A running dispatcher. */
export interface Dispatcher {
  stop(): Promise<void>;
}

// One dispatcher at a time, held by a session lock: it alone may free the jobs a killed one left locked.
const DISPATCHER_LOCK = 7_372_011;
const STANDBY_POLL_MS = 5_000;

/** The request id a job's payload carries (the request that queued it), if any. */
function requestIdOf(payload: unknown): string | undefined {
  const given = (payload as { requestId?: unknown } | null | undefined)?.requestId;
  return typeof given === 'string' ? given : undefined;
}

// graphile-worker appends the error's stack to a failed job's message: its first line says what failed, and a stack never reaches the log.
// It logs a failure after the task's promise settled, outside the task's request scope: the request id comes from the job it passes.
const logger = new Logger((scope) => (level, message, meta) => {
  if (level !== 'error' && level !== 'warning') return;
  const requestId = requestIdOf((meta as { job?: { payload?: unknown } } | undefined)?.job?.payload);
  log.warn(`dispatcher${scope.taskIdentifier ? ` ${scope.taskIdentifier}` : ''}: ${message.split('\n')[0]!.replace(/:$/, '')}`, {
    jobId: scope.jobId === undefined ? undefined : String(scope.jobId),
    ...(requestId && { requestId }),
  });
});

/**
 * Runs a job in the scope of the request that enqueued it (its id is in the
 * payload), so that the job's log lines carry that request id; a job from a
 * command gets one of its own.
 */
function inRequestOf(task: Task): Task {
  return (payload, helpers) => runInRequest(requestIdOf(payload) ?? `job-${helpers.job.id}`, () => task(payload, helpers));
}

/**
 * Starts the outbox dispatcher on graphile-worker: it fans alerts and events
 * out to webhooks and delivers them, with graphile-worker's retries and
 * backoff, and runs the hub's follow-up of new certifications.
 * One dispatcher runs at a time (a second stands by until the first stops or
 * dies); at start it frees the jobs a killed one left locked, which
 * graphile-worker would otherwise hold for four hours.
 */
export async function startDispatcher(
  pool: pg.Pool,
  repositories: Repositories,
  queue: JobQueue,
  options: DispatchOptions & { concurrency?: number; pollInterval?: number },
): Promise<Dispatcher> {
  const dispatcher = new WebhookDispatcher(
    repositories.webhooks,
    repositories.alerts,
    repositories.events,
    repositories.persons,
    repositories.audit,
    queue,
    repositories.webhookTargets,
    options,
  );
  const followUp = new CertificationFollowUp(
    new SubsidyDecisionService(
      repositories.subsidyDecisions,
      repositories.enrollments,
      repositories.statuses,
      repositories.persons,
      repositories.regionConfigs,
    ),
    new SupplementService(
      repositories.settlements,
      repositories.statuses,
      repositories.persons,
      repositories.regionConfigs,
      new StoredApplications(repositories.applications),
    ),
  );
  const followCertification: Task = async (payload) => {
    await followUp.run((payload as { statusId: string }).statusId);
  };
  const fanOut: Task = async (payload) => {
    await dispatcher.fanOut((payload as { alertId: string }).alertId);
  };
  const fanOutEvent: Task = async (payload) => {
    await dispatcher.fanOutEvent((payload as { eventId: string }).eventId);
  };
  const deliver: Task = async (payload, helpers) => {
    const { deliveryId } = payload as { deliveryId: string };
    const { attempts, max_attempts: maxAttempts } = helpers.job;
    let outcome;
    try {
      outcome = await dispatcher.attempt(deliveryId, attempts);
      webhookOutcomes.inc({ outcome });
    } catch (error) {
      webhookOutcomes.inc({ outcome: 'ERROR' });
      // On the last try graphile-worker gives up too: the delivery must not stay PENDING where no replay reaches it.
      // The client sees lastError: the cause is logged here, the client reads only that the hub failed.
      if (attempts >= maxAttempts) await dispatcher.gaveUp(deliveryId, attempts, 'the hub could not complete the attempt');
      throw error;
    }
    // Throwing hands the job back to graphile-worker's backoff; a dead delivery ends the job (the delivery row is the dead letter).
    if (outcome === 'RETRY') throw new Error(`delivery ${deliveryId} failed; retrying`);
  };
  // A bulk write's batch: one job in its transaction, expanded here into the per-event (per-certification) jobs.
  const fanOutEventBatch: Task = async (payload) => {
    const { batchId, requestId } = payload as { batchId: string; requestId?: string | null };
    await queue.expandEventBatch(pool, batchId, requestId ?? null);
  };
  const followCertificationBatch: Task = async (payload) => {
    const { batchId, requestId } = payload as { batchId: string; requestId?: string | null };
    await queue.expandFollowUpBatch(pool, batchId, requestId ?? null);
  };
  const runImport: Task = async (payload, helpers) => {
    const { importId } = payload as { importId: string };
    await repositories.importJobs.run(importId, helpers.job.attempts >= helpers.job.max_attempts);
  };
  const lock = await pool.connect();
  let runner: Runner | null = null;
  let stopped = false;
  // Runs once this process holds the lock; the one holder may free what a killed predecessor left locked.
  const takeOver = async (): Promise<boolean> => {
    const { rows } = await lock.query<{ sole: boolean }>('SELECT pg_try_advisory_lock($1) AS sole', [DISPATCHER_LOCK]);
    if (!rows[0]?.sole || stopped) return false;
    await lock.query(
      `SELECT graphile_worker.force_unlock_workers(array(SELECT DISTINCT locked_by FROM graphile_worker.jobs WHERE locked_by IS NOT NULL))`,
    );
    runner = await run({
      pgPool: pool,
      concurrency: options.concurrency ?? 16,
      pollInterval: options.pollInterval ?? 1_000,
      noHandleSignals: true,
      logger,
      taskList: {
        [JOBS.fanOut]: inRequestOf(fanOut),
        [JOBS.fanOutEvent]: inRequestOf(fanOutEvent),
        [JOBS.deliver]: inRequestOf(deliver),
        [JOBS.runImport]: inRequestOf(runImport),
        [JOBS.followCertification]: inRequestOf(followCertification),
        [JOBS.fanOutEventBatch]: inRequestOf(fanOutEventBatch),
        [JOBS.followCertificationBatch]: inRequestOf(followCertificationBatch),
      },
    });
    log.info('dispatcher running: alerts go out to webhooks from the outbox');
    return true;
  };
  let standby: NodeJS.Timeout | undefined;
  try {
    if (!(await takeOver())) {
      // One dispatcher delivers at a time; another waits to take over when it stops or dies (its lock goes with its connection).
      log.info('another dispatcher is running: this one stands by');
      const retry = () => {
        standby = setTimeout(() => {
          takeOver()
            .then((running) => !running && !stopped && retry())
            .catch((error: unknown) =>
              log.warn(`dispatcher could not take over: ${error instanceof Error ? error.message : String(error)}`),
            );
        }, STANDBY_POLL_MS);
      };
      retry();
    }
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    async stop() {
      stopped = true;
      clearTimeout(standby);
      await (runner as Runner | null)?.stop();
      await lock.query('SELECT pg_advisory_unlock($1)', [DISPATCHER_LOCK]).catch(() => {});
      lock.release();
    },
  };
}
