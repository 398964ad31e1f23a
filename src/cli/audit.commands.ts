import type { HubConfig } from '../server/config.js';
import { log } from '../shared/log.js';
import { verifyChain, type ChainRow } from '../modules/audit/audit.chain.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { withDatabase } from './with-database.js';

const USAGE = `usage: hub audit verify     check the audit log's hash chain`;

/**
 * `hub audit <subcommand>`. `verify` walks the whole chain and prints
 * `{"intact":true,"entries":N}` (exit 0) or `{"intact":false,"firstBroken":{"seq":…,"reason":…}}`
 * (exit 1) on stdout; progress goes to stderr. A malformed command line exits 2.
 */
export async function auditCommand(config: HubConfig, args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'verify') {
    process.stderr.write(`hub: unknown audit command ${JSON.stringify(args.join(' '))}\n${USAGE}\n`);
    return 2;
  }
  return withDatabase(config, 1, async ({ db }) => {
    const started = performance.now();
    const verdict = await verifyChain(withProgress(new AuditRepository(db).chain()));
    log.info(`audit chain checked in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (verdict.intact) {
      process.stdout.write(`${JSON.stringify(verdict)}\n`);
      return 0;
    }
    // seq is a bigint, which JSON cannot hold; a log of 2^53 entries is not a concern.
    const { seq, reason } = verdict.firstBroken;
    process.stdout.write(`${JSON.stringify({ intact: false, firstBroken: { seq: Number(seq), reason } })}\n`);
    return 1;
  });
}

/** Passes the rows through, telling stderr how far it got about once a second. */
async function* withProgress(rows: AsyncIterable<ChainRow>): AsyncGenerator<ChainRow> {
  let count = 0;
  let lastShown = performance.now();
  for await (const row of rows) {
    count += 1;
    const now = performance.now();
    if (now - lastShown > 1000) {
      lastShown = now;
      log.info(`read ${count} audit entries (up to seq ${row.seq})`);
    }
    yield row;
  }
}
