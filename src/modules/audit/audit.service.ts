import { encodeCursor, pageSize } from '../../shared/cursor.js';
import { BadUserInputError } from '../../shared/errors.js';
import { requireUuid } from '../../shared/validate.js';
import type { AuditFilter } from './audit.args.js';
import type { AuditCriteria, AuditPageRow, AuditRepository } from './audit.repository.js';
import type { AccessEventConnection, AuditEntryConnection } from './audit.type.js';

const LOG_CURSOR = 'audit';
const ACCESS_CURSOR = 'access';

/**
 * The auditor's view of the log, bound to one reader's jurisdiction (a
 * region-code prefix, '' for the whole country): entries about persons
 * outside it do not exist for this reader. Pages go newest first, keyed by seq.
 */
export class AuditQueryService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly jurisdiction: string,
  ) {}

  /** A page of the log matching `filter`. */
  async log(
    filter: AuditFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<AuditEntryConnection> {
    const from = filter?.from ?? null;
    const to = filter?.to ?? null;
    if (from && to && to <= from) throw new BadUserInputError('filter.to must be after filter.from', 'filter.to');
    const criteria: AuditCriteria = {
      clientId: filter?.clientId == null ? null : requireUuid(filter.clientId, 'filter.clientId'),
      personId: filter?.personId == null ? null : requireUuid(filter.personId, 'filter.personId'),
      from,
      to,
      outcome: filter?.outcome ?? null,
      jurisdiction: this.jurisdiction,
    };
    return this.page(LOG_CURSOR, criteria, first, after, ({ seq, ...entry }) => ({
      ...entry,
      seq: seq.toString(),
      keyId: entry.keyId ?? null,
      jurisdiction: entry.jurisdiction ?? null,
      event: entry.event ?? null,
      address: entry.address ?? null,
    }));
  }

  /** Who returned or wrote this person's data, when and for which purpose. */
  accessHistory(personId: string, first: number | null | undefined, after: string | null | undefined): Promise<AccessEventConnection> {
    const criteria: AuditCriteria = { personId: requireUuid(personId, 'personId'), jurisdiction: this.jurisdiction };
    return this.page(ACCESS_CURSOR, criteria, first, after, (entry) => ({
      at: entry.at,
      clientId: entry.clientId,
      clientName: entry.clientName,
      agency: entry.agency,
      purpose: entry.purpose,
      operationName: entry.operationName,
      fields: entry.fields,
      outcome: entry.outcome,
    }));
  }

  private async page<T>(
    kind: string,
    criteria: AuditCriteria,
    first: number | null | undefined,
    after: string | null | undefined,
    toNode: (row: AuditPageRow) => T,
  ): Promise<{ edges: { node: T; cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> {
    const size = pageSize(first);
    const beforeSeq = after == null ? null : decodeSeqCursor(kind, after);
    const rows = await this.repository.page(criteria, size + 1, beforeSeq);
    const edges = rows.slice(0, size).map((row) => ({ node: toNode(row), cursor: encodeCursor(kind, row.seq.toString()) }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

/** The seq in a cursor of `kind`; BAD_USER_INPUT otherwise. */
function decodeSeqCursor(kind: string, cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const key = text.startsWith(`${kind}:`) ? text.slice(kind.length + 1) : '';
  // At most 18 digits: always within PostgreSQL's bigint.
  if (!/^[1-9]\d{0,17}$/.test(key)) throw new BadUserInputError('after is not a cursor of this list', 'after');
  return BigInt(key);
}
