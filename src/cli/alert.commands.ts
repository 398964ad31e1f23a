import { parseArgs } from 'node:util';
import { requireMonth, requireRegionPrefix } from '../shared/validate.js';
import { MonitoringService } from '../modules/alert/monitoring.service.js';
import type { HubConfig } from '../server/config.js';
import { createRepositories } from '../server/context.js';
import { startDispatcher } from '../server/dispatcher.js';
import { WebhookTargets } from '../modules/webhook/webhook.target.js';
import { JobQueue } from '../server/job-queue.js';
import { log } from '../shared/log.js';
import { waitForSignal } from './signals.js';
import { UsageError } from './usage.js';
import { withDatabase } from './with-database.js';

/** `hub monitor run --month YYYY-MM [--region PREFIX]`: prints the run's report as JSON. */
export async function monitorCommand(config: HubConfig, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'run') throw new UsageError('monitor needs the subcommand run');
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { month: { type: 'string' }, region: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.month) throw new UsageError('monitor run needs --month YYYY-MM');
  let month: string;
  try {
    month = requireMonth(values.month, '--month');
  } catch {
    throw new UsageError('--month must be a month YYYY-MM');
  }
  let region = '';
  try {
    if (values.region !== undefined) region = requireRegionPrefix(values.region, '--region');
  } catch {
    throw new UsageError('--region must be a region-code prefix of 1 to 6 digits');
  }
  return withDatabase(config, 4, async ({ db, auditKeys }) => {
    const repositories = createRepositories(db, await auditKeys(), new JobQueue(config.webhookMaxAttempts));
    const started = performance.now();
    const report = await new MonitoringService(repositories.monitoring, repositories.alertStore, repositories.residuals).run(
      month,
      region,
      (persons) => log.info(`monitoring ${month}: ${persons} persons evaluated`),
    );
    const { alerted, ...summary } = report;
    // No client runs the command: the entry names the operator's command and the persons alerted.
    await repositories.audit.append({ operationName: `hub monitor run --month ${month}`, personIds: alerted, outcome: 'SUCCESS' });
    log.info(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  });
}

/** `hub dispatch`: runs only the outbox dispatcher, until SIGINT or SIGTERM (start the hub with HUB_DISPATCHER=off). */
export function dispatchCommand(config: HubConfig): Promise<number> {
  return withDatabase(config, 8, async ({ db, pool, auditKeys }) => {
    const queue = new JobQueue(config.webhookMaxAttempts);
    const targets = new WebhookTargets({ allowPrivate: config.webhookAllowPrivate });
    const dispatcher = await startDispatcher(pool, createRepositories(db, await auditKeys(), queue, targets), queue, {
      maxAttempts: config.webhookMaxAttempts,
      timeoutMs: config.webhookTimeoutMs,
      concurrency: config.webhookConcurrency,
    });
    await waitForSignal();
    await dispatcher.stop();
    return 0;
  });
}
