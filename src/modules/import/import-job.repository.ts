import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import type { ImportCounts, RejectedRow } from './import.service.js';

/** The states of an import sent over HTTP. */
export type ImportJobStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

/** What a client reads of its import: never the file. */
const VIEW = {
  id: true,
  kind: true,
  status: true,
  read: true,
  accepted: true,
  rejected: true,
  unchanged: true,
  rejects: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

/** Reads and writes the imports sent over HTTP (`import_job`); the only code that touches them. */
export class ImportJobRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new import with its file, and calls `enqueue` in the same transaction: the job exists exactly when the row does. */
  create(
    data: { clientId: string; jti: string | null; kind: string; format: string; content: Uint8Array<ArrayBuffer> },
    enqueue: (tx: Prisma.TransactionClient, id: string) => Promise<void>,
  ): Promise<string> {
    return this.db.$transaction(async (tx) => {
      const job = await tx.importJob.create({ data: { ...data, status: 'QUEUED' }, select: { id: true } });
      await enqueue(tx, job.id);
      return job.id;
    });
  }

  /** The import as its client reads it; null for any other client (as for one that does not exist). */
  findForClient(id: string, clientId: string) {
    return this.db.importJob.findFirst({ where: { id, clientId }, select: VIEW });
  }

  /** The import to run, with its file (null once it has run). */
  findToRun(id: string) {
    return this.db.importJob.findUnique({ where: { id } });
  }

  /** Marks the import running, counting from the start again (a job run again after a restart counts afresh). */
  started(id: string) {
    return this.db.importJob.update({
      where: { id },
      data: { status: 'RUNNING', startedAt: new Date(), read: 0, accepted: 0, rejected: 0, unchanged: 0, error: null },
    });
  }

  /** The counts so far. */
  progress(id: string, read: number, counts: ImportCounts) {
    return this.db.importJob.update({ where: { id }, data: { read, ...counts } });
  }

  /** The import done or failed: its counts and rejects; the file is dropped. */
  finished(
    id: string,
    outcome: { status: ImportJobStatus; read: number; counts: ImportCounts; rejects: RejectedRow[]; error: string | null },
  ) {
    return this.db.importJob.update({
      where: { id },
      data: {
        status: outcome.status,
        read: outcome.read,
        ...outcome.counts,
        rejects: outcome.rejects as unknown as Prisma.InputJsonValue,
        error: outcome.error,
        finishedAt: new Date(),
        content: null,
      },
    });
  }
}
