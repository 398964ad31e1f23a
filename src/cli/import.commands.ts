import { createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ClientRepository, isClientId } from '../auth/client.repository.js';
import type { Principal } from '../auth/principal.js';
import { formatOf, readRows, type ImportFormat } from '../modules/import/import.reader.js';
import { importRefusal, ImportService, isImportKind, IMPORT_KINDS, type ImportCounts } from '../modules/import/import.service.js';
import type { HubConfig } from '../server/config.js';
import { createRepositories } from '../server/context.js';
import { JobQueue } from '../server/job-queue.js';
import { UsageError } from './usage.js';
import { withDatabase } from './with-database.js';

/** How often progress is written to stderr, at most. */
const PROGRESS_INTERVAL_MS = 2_000;

/**
 * `hub import KIND FILE --client ID [--format ndjson|csv] [--rejects FILE]`:
 * imports a file of the mutation's inputs under the client's rights
 * (ImportService), with progress on stderr, and prints one JSON line on
 * stdout: `{"accepted","rejected","unchanged","seconds"}`. The refused rows
 * (line, field, code, reason) go to `--rejects` as NDJSON, or to stderr.
 * Exit 0 when no row was refused, 1 otherwise.
 */
export async function importCommand(config: HubConfig, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { client: { type: 'string' }, format: { type: 'string' }, rejects: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [kind, file] = parsed.positionals;
  if (!kind || !isImportKind(kind)) throw new UsageError(`import needs a kind: ${IMPORT_KINDS.join(', ')}`);
  if (!file || parsed.positionals.length !== 2) throw new UsageError('import needs one FILE');
  const clientId = parsed.values.client;
  if (!clientId || !isClientId(clientId)) throw new UsageError('import needs --client ID (a client id)');
  const format = parsed.values.format ?? formatOf(file);
  if (format !== 'ndjson' && format !== 'csv') throw new UsageError('--format must be ndjson or csv');
  try {
    await access(file);
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  return withDatabase(config, 3, async ({ db, auditKeys }) => {
    const client = await new ClientRepository(db).findById(clientId);
    if (!client || client.status !== 'ACTIVE') {
      process.stderr.write('error: --client must name an active client\n');
      return 1;
    }
    const principal: Principal = {
      clientId: client.id,
      agency: client.agency,
      jurisdiction: client.jurisdiction,
      purposes: client.purposes,
      jti: '',
    };
    const refusal = importRefusal(kind, principal);
    if (refusal) {
      process.stderr.write(`error: ${refusal}\n`);
      return 1;
    }
    const repositories = createRepositories(db, await auditKeys(), new JobQueue(config.webhookMaxAttempts));
    const service = new ImportService(db, repositories.audit, repositories.exchangeEvents);
    const started = performance.now();
    let shown = started;
    const progress = (read: number, counts: ImportCounts) => {
      const now = performance.now();
      if (now - shown < PROGRESS_INTERVAL_MS) return;
      shown = now;
      const rate = Math.round(read / ((now - started) / 1000));
      process.stderr.write(
        `import ${kind}: ${read} rows read, ${counts.accepted} accepted, ${counts.rejected} rejected, ${counts.unchanged} unchanged (${rate} rows/s)\n`,
      );
    };
    const report = await service.run(kind, readRows(createReadStream(file), format as ImportFormat), principal, {
      progress,
      operationName: `hub import ${kind}`,
    });
    const rejects = report.errors.map((row) => JSON.stringify(row)).join('\n');
    if (parsed.values.rejects) await writeFile(parsed.values.rejects, rejects ? `${rejects}\n` : '');
    else if (rejects) process.stderr.write(`${rejects}\n`);
    if (report.rejected > report.errors.length) {
      process.stderr.write(`${report.rejected - report.errors.length} more rejected rows are counted but not listed\n`);
    }
    const { errors: _errors, ...summary } = report;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return report.rejected === 0 ? 0 : 1;
  });
}
