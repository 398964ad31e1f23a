import { createHash } from 'node:crypto';
import type { Db } from '../server/prisma.js';
import { isClientId } from './client.repository.js';

/** The id of a trusted document: `sha256:` and the lower-case hex SHA-256 of its exact text (GraphQL over HTTP, persisted documents). */
export function documentIdOf(body: string): string {
  return `sha256:${createHash('sha256').update(body, 'utf8').digest('hex')}`;
}

/** A document to register, with the name of its operation (for people reading the list). */
export interface NewTrustedDocument {
  body: string;
  operationName: string | null;
}

/** A registered document as listed. */
export interface TrustedDocumentEntry {
  id: string;
  operationName: string | null;
  createdAt: string;
}

const CACHE_ENTRIES = 2_000;

/**
 * The documents registered for each client (`trusted_document`). A document
 * is its text's hash, so it never changes: found documents are cached in the
 * process, and a request by id costs no statement after the first.
 */
export class TrustedDocumentRepository {
  private readonly cache = new Map<string, string>();

  constructor(private readonly db: Db) {}

  /** Registers documents for a client; registering one again changes nothing. Returns their ids, in order. */
  async add(clientId: string, documents: readonly NewTrustedDocument[]): Promise<string[]> {
    const rows = documents.map(({ body, operationName }) => ({ clientId, id: documentIdOf(body), body, operationName }));
    await this.db.trustedDocument.createMany({ data: rows, skipDuplicates: true });
    return rows.map((row) => row.id);
  }

  /** The client's documents, oldest first. */
  async list(clientId: string): Promise<TrustedDocumentEntry[]> {
    const rows = await this.db.trustedDocument.findMany({ where: { clientId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map((row) => ({ id: row.id, operationName: row.operationName, createdAt: row.createdAt.toISOString() }));
  }

  /** The text of the client's document `id`, or null when the client has none by that id. */
  async find(clientId: string, id: string): Promise<string | null> {
    const key = `${clientId}/${id}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (!isClientId(clientId)) return null;
    const row = await this.db.trustedDocument.findUnique({ where: { clientId_id: { clientId, id } }, select: { body: true } });
    if (!row) return null;
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, row.body);
    return row.body;
  }
}
