/**
 * Human-readable progress and logs go to stderr, so that stdout stays
 * machine-readable for the command line (api-contract.md).
 */
export const log = {
  info(message: string): void {
    process.stderr.write(`[hub] ${message}\n`);
  },
  warn(message: string): void {
    process.stderr.write(`[hub] warning: ${message}\n`);
  },
};
