import { BadUserInputError } from './errors.js';

/**
 * Page-size limits shared by every list. The maximum is 1 000 so that an
 * agency syncing its rows can walk them in few requests; what one client may
 * actually ask is bounded by its cost and answer-size limits (limits-policy.ts).
 */
export const PAGE = { default: 20, max: 1000 } as const;

/** Checks `first` against the page-size limits; BAD_USER_INPUT naming `argument` otherwise. */
export function pageSize(first: number | null | undefined, argument = 'first'): number {
  if (first === null || first === undefined) return PAGE.default;
  if (!Number.isInteger(first) || first < 1 || first > PAGE.max) {
    throw new BadUserInputError(`${argument} must be from 1 to ${PAGE.max}`, argument);
  }
  return first;
}

/** One node of a page with its cursor. */
export interface Edge<T> {
  node: T;
  cursor: string;
}

/** Relay page information, as `PageInfo` resolves it. */
export interface PageInfoValue {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** A page as every connection type (connection.type.ts) resolves it. */
export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoValue;
}

/** A page request after validation: its size and the key it starts after (null: from the start). */
export interface PageRequest<K> {
  size: number;
  after: K | null;
  /** Rows to read: one more than `size`, which tells whether a next page exists. */
  take: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID key (the hub's ids), or null. */
export const uuidKey = (key: string): string | null => (UUID.test(key) ? key : null);

/** A positive whole number of at most 18 digits (always within PostgreSQL's bigint), or null. */
export const seqKey = (key: string): bigint | null => (/^[1-9]\d{0,17}$/.test(key) ? BigInt(key) : null);

/**
 * Keyset pagination of one list: opaque cursors (the base64url of
 * `kind:key`, the kind stopping a cursor of one list from being replayed on
 * another), `first`/`after` validation and the page built from the rows read.
 * Every paginated list of the hub goes through one of these.
 */
export class CursorList<K = string> {
  constructor(
    /** Names the list inside its cursors. */
    readonly kind: string,
    private readonly parseKey: (key: string) => K | null = uuidKey as unknown as (key: string) => K | null,
  ) {}

  /** The cursor of the row keyed `key`. */
  encode(key: string | bigint): string {
    return Buffer.from(`${this.kind}:${key}`).toString('base64url');
  }

  /** The key in `cursor`; BAD_USER_INPUT naming `argument` when it is not a cursor of this list. */
  decode(cursor: string, argument = 'after'): K {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    const key = text.startsWith(`${this.kind}:`) ? this.parseKey(text.slice(this.kind.length + 1)) : null;
    if (key === null) throw new BadUserInputError(`${argument} is not a cursor of this list`, argument);
    return key;
  }

  /** Validates `first` and `after` (both before anything is read). */
  request(first: number | null | undefined, after: string | null | undefined): PageRequest<K> {
    const size = pageSize(first);
    return { size, after: after == null ? null : this.decode(after), take: size + 1 };
  }

  /**
   * The page of a list read in SQL after the cursor, `take` rows at a time in key order (`read`), of which a
   * computation after reading (`keep`, keeping the order) may drop rows: chunks are read until the page and the one
   * node telling of a next page are kept, or the rows run out. A chunk is at most the largest page and one row, and
   * when nothing is dropped a page is one chunk, whatever its size.
   */
  async pageKept<R, T>(
    request: PageRequest<K>,
    read: (after: K | null, take: number) => Promise<R[]>,
    rowKey: (row: R) => K,
    keep: (rows: R[]) => Promise<T[]>,
    nodeKey: (node: T) => string | bigint,
  ): Promise<Page<T>> {
    const kept: T[] = [];
    for await (const rows of keysetChunks(read, rowKey, request.after, request.take)) {
      kept.push(...(await keep(rows)));
      if (kept.length >= request.take) break;
    }
    return this.page(kept, request.size, nodeKey);
  }

  /** The page of `rows` (read with `take`): the first `size` as edges, and whether more follow. */
  page<T>(rows: readonly T[], size: number, key: (node: T) => string | bigint): Page<T> {
    const edges = rows.slice(0, size).map((node) => ({ node, cursor: this.encode(key(node)) }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

/**
 * A keyset list read to its end in key order, `take` rows at a time after `after` (null: from the start): `read` gets
 * the key of the last row read and how many to read, and a chunk shorter than `take` is the last.
 */
export async function* keysetChunks<R, K>(
  read: (after: K | null, take: number) => Promise<R[]>,
  rowKey: (row: R) => K,
  after: K | null,
  take: number,
): AsyncGenerator<R[]> {
  for (let from = after; ;) {
    const rows = await read(from, take);
    if (rows.length > 0) yield rows;
    if (rows.length < take) return;
    from = rowKey(rows.at(-1)!);
  }
}
