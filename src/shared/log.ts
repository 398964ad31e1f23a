import { pino, type Logger } from 'pino';
import { currentRequest } from './request-scope.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function level(): string {
  const wanted = process.env.HUB_LOG_LEVEL ?? 'info';
  return LEVELS.includes(wanted) ? wanted : 'info';
}

/**
 * The process's logger: one JSON object per line on stderr (stdout stays
 * machine-readable for the command line), with the request id of the request
 * being served, when there is one. Written through `process.stderr`, which is
 * synchronous for files and pipes, so nothing is lost at exit.
 *
 * Never log personal data, secrets or stacks: messages name ids and counts,
 * errors give their message only (a test greps a test run's log for every
 * seeded ID number and name).
 */
export const logger: Logger = pino(
  {
    level: level(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const scope = currentRequest();
      return scope ? { requestId: scope.requestId } : {};
    },
  },
  process.stderr,
);

/** Fields logged beside a message (ids, counts, durations: nothing personal). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** The hub's log calls: a message, and fields when they help a reader filter. */
export const log = {
  info(message: string, fields: LogFields = {}): void {
    logger.info(fields, message);
  },
  warn(message: string, fields: LogFields = {}): void {
    logger.warn(fields, message);
  },
  error(message: string, fields: LogFields = {}): void {
    logger.error(fields, message);
  },
};
