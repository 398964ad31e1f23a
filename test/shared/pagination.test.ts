import { describe, expect, it } from 'vitest';
import { CursorList, PAGE, seqKey } from '../../src/shared/pagination.js';

const ID = '01890000-0000-7000-8000-000000000001';

describe('pagination', () => {
  it('reads one more row than the page and says whether a next page follows', () => {
    const list = new CursorList('thing');
    const request = list.request(2, null);
    expect(request).toEqual({ size: 2, after: null, take: 3 });
    const rows = [{ id: ID }, { id: ID.replace(/1$/, '2') }, { id: ID.replace(/1$/, '3') }];
    const page = list.page(rows, request.size, (row) => row.id);
    expect(page.edges.map((edge) => edge.node)).toEqual(rows.slice(0, 2));
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[1]!.cursor });
    expect(list.request(2, page.pageInfo.endCursor).after).toBe(rows[1]!.id);
    expect(list.page(rows.slice(0, 2), 2, (row) => row.id).pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a cursor of another list, and pages outside 1 to the maximum', () => {
    const cursor = new CursorList('other').encode(ID);
    expect(() => new CursorList('thing').request(null, cursor)).toThrow(/after is not a cursor of this list/);
    expect(() => new CursorList('thing', seqKey).request(null, new CursorList('thing').encode(ID))).toThrow(/not a cursor/);
    expect(() => new CursorList('thing').request(0, null)).toThrow(/first must be from 1 to 1000/);
    expect(() => new CursorList('thing').request(PAGE.max + 1, null)).toThrow(/first must be from 1 to 1000/);
    expect(new CursorList('thing').request(undefined, null).size).toBe(PAGE.default);
    expect(new CursorList('thing', seqKey).request(PAGE.max, new CursorList('thing').encode(42n)).after).toBe(42n);
  });
});
