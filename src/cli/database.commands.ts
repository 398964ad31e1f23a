import { startHub } from '../server/app.js';
import type { HubConfig } from '../server/config.js';
import { log } from '../shared/log.js';
import type { SeedOptions } from '../modules/seed/seed.generator.js';
import { seed } from '../modules/seed/seed.service.js';
import { waitForSignal } from './signals.js';
import { withDatabase } from './with-database.js';

/** `hub start`: runs until SIGINT or SIGTERM, then stops everything it started. */
export async function startCommand(config: HubConfig): Promise<number> {
  const hub = await startHub(config);
  await waitForSignal();
  await hub.stop();
  log.info('stopped');
  return 0;
}

/** `hub migrate`: prints the applied migration names as JSON. */
export function migrateCommand(config: HubConfig): Promise<number> {
  return withDatabase(config, 1, async ({ applied }) => {
    process.stdout.write(`${JSON.stringify({ applied })}\n`);
    return 0;
  });
}

/** `hub seed`: prints the report as JSON; progress on stderr. */
export function seedCommand(config: HubConfig, options: SeedOptions): Promise<number> {
  return withDatabase(config, 2, async ({ pool }) => {
    let lastShown = 0;
    const report = await seed(pool, options, (done, total) => {
      const now = performance.now();
      if (done === total || now - lastShown > 1000) {
        lastShown = now;
        log.info(`seeded ${done}/${total} persons (${Math.round((100 * done) / total)} %)`);
      }
    });
    log.info(`done in ${report.seconds.toFixed(1)} s`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  });
}
