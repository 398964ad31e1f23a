import { Readable } from 'node:stream';
import type { ClientRepository } from '../../auth/client.repository.js';
import type { Principal } from '../../auth/principal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { log } from '../../shared/log.js';
import type { ImportFormat } from './import.reader.js';
import { readRows } from './import.reader.js';
import type { ImportJobRepository } from './import-job.repository.js';
import { importRefusal, isImportKind, type ImportKind, type ImportService } from './import.service.js';

/**
 * Imports sent over HTTP (`POST /imports/{kind}`): the file is stored with a
 * job on graphile-worker's queue in one transaction, so an accepted import
 * runs even if the hub restarts before or while it runs (a run cut short
 * starts again; the import is idempotent). It runs under the rights of the
 * client that sent it, as they are when it runs.
 */
export class ImportJobService {
  constructor(
    private readonly repository: ImportJobRepository,
    private readonly imports: ImportService,
    private readonly clients: ClientRepository,
  ) {}

  /** Stores an import and its job; returns its id. The caller has checked `importRefusal`. */
  submit(
    principal: Principal,
    kind: ImportKind,
    format: ImportFormat,
    content: Uint8Array<ArrayBuffer>,
    enqueue: (tx: Prisma.TransactionClient, id: string) => Promise<void>,
  ): Promise<string> {
    return this.repository.create({ clientId: principal.clientId, jti: principal.jti || null, kind, format, content }, enqueue);
  }

  /** The import as the client that sent it reads it; null for another client. */
  read(id: string, clientId: string) {
    return this.repository.findForClient(id, clientId);
  }

  /**
   * Runs the import `id` (the job's task). A failure on the last attempt
   * marks it FAILED; an earlier one is thrown, for graphile-worker to retry.
   */
  async run(id: string, lastAttempt: boolean): Promise<void> {
    const job = await this.repository.findToRun(id);
    if (!job || job.status === 'DONE' || job.status === 'FAILED' || !job.content) return;
    const fail = (error: string) =>
      this.repository.finished(id, {
        status: 'FAILED',
        read: 0,
        counts: { accepted: 0, rejected: 0, unchanged: 0 },
        rejects: [],
        error,
      });
    const client = await this.clients.findById(job.clientId);
    if (!client || client.status !== 'ACTIVE') return void (await fail('the client is no longer active'));
    const principal: Principal = {
      clientId: client.id,
      agency: client.agency,
      jurisdiction: client.jurisdiction,
      purposes: client.purposes,
      jti: job.jti ?? '',
    };
    const refusal = isImportKind(job.kind) ? importRefusal(job.kind, principal) : `unknown kind ${job.kind}`;
    if (refusal) return void (await fail(refusal));
    await this.repository.started(id);
    try {
      const rows = readRows(Readable.from([Buffer.from(job.content)]), job.format as ImportFormat);
      const report = await this.imports.run(job.kind as ImportKind, rows, principal, {
        operationName: `POST /imports/${job.kind}`,
        progress: async (read, counts) => void (await this.repository.progress(id, read, counts)),
      });
      const { accepted, rejected, unchanged } = report;
      await this.repository.finished(id, {
        status: 'DONE',
        read: accepted + rejected + unchanged,
        counts: { accepted, rejected, unchanged },
        rejects: report.errors,
        error: null,
      });
    } catch (error) {
      log.warn(`import ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (lastAttempt) await fail('the hub could not complete the import; the rows stored before the failure stay, send the file again');
      throw error;
    }
  }
}
