import { BadUserInputError } from '../../shared/errors.js';
import { CursorList, seqKey, type Page } from '../../shared/pagination.js';
import { requireUuid } from '../../shared/validate.js';
import type { AuditFilter } from './audit.args.js';
import type { AuditCriteria, AuditPageRow, AuditRepository } from './audit.repository.js';
import type { AccessEventConnection, AuditEntryConnection } from './audit.type.js';

const LOG = new CursorList('audit', seqKey);
const ACCESS = new CursorList('access', seqKey);

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
    return this.page(LOG, criteria, first, after, ({ seq, ...entry }) => ({
      ...entry,
      seq: seq.toString(),
      keyId: entry.keyId ?? null,
      jurisdiction: entry.jurisdiction ?? null,
      event: entry.event ?? null,
      address: entry.address ?? null,
      requestId: entry.requestId ?? null,
    }));
  }

  /** Who returned or wrote this person's data, when and for which purpose. */
  accessHistory(personId: string, first: number | null | undefined, after: string | null | undefined): Promise<AccessEventConnection> {
    const criteria: AuditCriteria = { personId: requireUuid(personId, 'personId'), jurisdiction: this.jurisdiction };
    return this.page(ACCESS, criteria, first, after, (entry) => ({
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
    list: CursorList<bigint>,
    criteria: AuditCriteria,
    first: number | null | undefined,
    after: string | null | undefined,
    toNode: (row: AuditPageRow) => T,
  ): Promise<Page<T>> {
    // Newest first: the page goes on below the seq of its `after`.
    const request = list.request(first, after);
    const rows = await this.repository.page(criteria, request.take, request.after);
    const { edges, pageInfo } = list.page(rows, request.size, (row) => row.seq);
    return { edges: edges.map(({ node, cursor }) => ({ node: toNode(node), cursor })), pageInfo };
  }
}
