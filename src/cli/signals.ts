import { log } from '../shared/log.js';

/**
 * Resolves at the first SIGINT or SIGTERM: long-running commands stop cleanly
 * on either. A second signal while stopping is noted and ignored, so that an
 * impatient Ctrl-C does not leave the database running without its hub.
 */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const stop = (signal: NodeJS.Signals) => {
      if (received) {
        log.info(`${signal} received again: still stopping`);
        return;
      }
      received = true;
      log.info(`${signal} received, stopping`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
