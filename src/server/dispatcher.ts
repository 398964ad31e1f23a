import { Logger, run, type Runner, type Task } from 'graphile-worker';
import type pg from 'pg';
import { log } from '../shared/log.js';
import type { Repositories } from './context.js';
import { JOBS, type JobQueue } from './job-queue.js';
import { WebhookDispatcher, type DispatchOptions } from '../modules/webhook/webhook.dispatch.js';

/** A running dispatcher. */
export interface Dispatcher {
  stop(): Promise<void>;
}

// Only one dispatcher may free the jobs a killed one left locked: a session lock says which.
const DISPATCHER_LOCK = 7_372_011;

const logger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning') log.warn(`dispatcher${scope.taskIdentifier ? ` ${scope.taskIdentifier}` : ''}: ${message}`);
});

/**
 * Starts the outbox dispatcher on graphile-worker: it fans alerts out to
 * webhooks and delivers them, with graphile-worker's retries and backoff.
 * Jobs that a killed dispatcher left locked are freed at start (graphile
 * would otherwise wait four hours), when this is the only dispatcher.
 */
export async function startDispatcher(
  pool: pg.Pool,
  repositories: Repositories,
  queue: JobQueue,
  options: DispatchOptions & { concurrency?: number; pollInterval?: number },
): Promise<Dispatcher> {
  const dispatcher = new WebhookDispatcher(
    repositories.db,
    repositories.webhooks,
    repositories.alerts,
    repositories.persons,
    repositories.audit,
    queue,
    options,
  );
  const lock = await pool.connect();
  const { rows } = await lock.query<{ sole: boolean }>('SELECT pg_try_advisory_lock($1) AS sole', [DISPATCHER_LOCK]);
  if (rows[0]?.sole) {
    await lock.query(
      `SELECT graphile_worker.force_unlock_workers(array(SELECT DISTINCT locked_by FROM graphile_worker.jobs WHERE locked_by IS NOT NULL))`,
    );
  } else {
    log.warn('another dispatcher holds the dispatcher lock: jobs left locked by a killed one wait for graphile-worker to free them');
  }
  const fanOut: Task = async (payload) => {
    await dispatcher.fanOut((payload as { alertId: string }).alertId);
  };
  const deliver: Task = async (payload, helpers) => {
    const outcome = await dispatcher.attempt((payload as { deliveryId: string }).deliveryId, helpers.job.attempts);
    // Throwing hands the job back to graphile-worker's backoff; a dead delivery ends the job (the delivery row is the dead letter).
    if (outcome === 'RETRY') throw new Error(`delivery ${(payload as { deliveryId: string }).deliveryId} failed; retrying`);
  };
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: options.concurrency ?? 4,
      pollInterval: options.pollInterval ?? 1_000,
      noHandleSignals: true,
      logger,
      taskList: { [JOBS.fanOut]: fanOut, [JOBS.deliver]: deliver },
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  log.info('dispatcher running: alerts go out to webhooks from the outbox');
  return {
    async stop() {
      await runner.stop();
      await lock.query('SELECT pg_advisory_unlock($1)', [DISPATCHER_LOCK]).catch(() => {});
      lock.release();
    },
  };
}
