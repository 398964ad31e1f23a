import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SigningKeys } from '../auth/signing-keys.js';
import type { HubConfig } from '../server/config.js';
import { rotateAuditKey } from '../server/audit-keys.js';
import { checkpointOfHead, pushCheckpoint } from '../server/checkpoints.js';
import { log } from '../shared/log.js';
import { verifyChain, type ChainRow } from '../modules/audit/audit.chain.js';
import { parseCheckpoints, verifyCheckpoint, type VerifiedCheckpoint } from '../modules/audit/audit.checkpoint.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { withDatabase } from './with-database.js';

const USAGE = `usage: hub audit verify [--checkpoint FILE]…   check the audit log's keyed hash chain (and that it extends the checkpoints)
       hub audit checkpoint                     sign a checkpoint of the log's head, print it and push it to the configured targets
       hub audit rotate-key                     add a new audit key to HUB_DATA_DIR/keys (used after a restart)`;

/**
 * `hub audit <subcommand>`. `verify` walks the whole chain and prints
 * `{"intact":true,"entries":N}` (exit 0) or `{"intact":false,"firstBroken":{"seq":…,"reason":…}}`
 * (exit 1) on stdout; with `--checkpoint FILE` the log must also reach and
 * match every checkpoint in the file (a checkpoint whose signature does not
 * hold exits 1 too). `checkpoint` prints the signed checkpoint as one JSON
 * line. Progress goes to stderr. A malformed command line exits 2.
 */
export async function auditCommand(config: HubConfig, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { checkpoint: { type: 'string', multiple: true } }, strict: true });
  } catch {
    return usage(args);
  }
  const [command, ...rest] = parsed.positionals;
  const checkpointFiles = parsed.values.checkpoint ?? [];
  if (rest.length > 0 || (command !== 'verify' && checkpointFiles.length > 0)) return usage(args);
  switch (command) {
    case 'verify':
      return verify(config, checkpointFiles);
    case 'checkpoint':
      return checkpoint(config);
    case 'rotate-key':
      process.stdout.write(`${JSON.stringify({ kid: await rotateAuditKey(config) })}\n`);
      return 0;
    default:
      return usage(args);
  }
}

function usage(args: string[]): number {
  process.stderr.write(`hub: unknown audit command ${JSON.stringify(args.join(' '))}\n${USAGE}\n`);
  return 2;
}

async function verify(config: HubConfig, checkpointFiles: string[]): Promise<number> {
  const checkpoints: VerifiedCheckpoint[] = [];
  for (const file of checkpointFiles) {
    let documents: unknown[];
    try {
      documents = parseCheckpoints(await readFile(file, 'utf8'));
    } catch (error) {
      log.warn(`cannot read checkpoints from ${file}: ${(error as Error).message}`);
      return 2;
    }
    for (const [index, document] of documents.entries()) {
      try {
        checkpoints.push(await verifyCheckpoint(document));
      } catch (error) {
        process.stdout.write(`${JSON.stringify({ intact: false, badCheckpoint: { file, index, reason: (error as Error).message } })}\n`);
        return 1;
      }
    }
  }
  return withDatabase(config, 1, async ({ db, auditKeys }) => {
    const started = performance.now();
    const verdict = await verifyChain(withProgress(new AuditRepository(db, await auditKeys()).chain()), await auditKeys(), checkpoints);
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

async function checkpoint(config: HubConfig): Promise<number> {
  const keys = await SigningKeys.load(config.dataDir);
  return withDatabase(config, 1, async ({ db, auditKeys }) => {
    const audit = new AuditRepository(db, await auditKeys());
    const signed = await checkpointOfHead(audit, keys);
    if (!signed) {
      log.warn('the audit log is empty: no checkpoint');
      return 1;
    }
    process.stdout.write(`${JSON.stringify(signed)}\n`);
    try {
      await pushCheckpoint(signed, config);
      return 0;
    } catch (error) {
      log.warn((error as Error).message);
      return 1;
    }
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
