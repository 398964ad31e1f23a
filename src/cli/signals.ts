import { log } from '../shared/log.js';

/** Resolves at the first SIGINT or SIGTERM: long-running commands stop cleanly on either. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info(`${signal} received, stopping`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
