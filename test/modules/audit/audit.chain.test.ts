import { describe, expect, it } from 'vitest';
import {
  canonicalEntry,
  GENESIS_HASH,
  hashEntry,
  verifyChain,
  type ChainEntry,
  type ChainRow,
} from '../../../src/modules/audit/audit.chain.js';

function entry(seq: number, overrides: Partial<ChainEntry> = {}): ChainEntry {
  return {
    seq: BigInt(seq),
    at: new Date(Date.UTC(2024, 2, 1, 8, 0, 0, seq)),
    clientId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    agency: 'CIVIL_AFFAIRS',
    jti: `jti-${seq}`,
    purpose: 'ASSISTANCE_ELIGIBILITY',
    operationName: 'PersonById',
    documentHash: 'cd'.repeat(32),
    personIds: [`00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`],
    fields: ['Person.name'],
    outcome: 'SUCCESS',
    error: null,
    ...overrides,
  };
}

/** A correctly linked chain of `length` entries. */
function chain(length: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const e = entry(seq);
    const hash = hashEntry(prevHash, e);
    rows.push({ ...e, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

async function* stream(rows: ChainRow[]): AsyncGenerator<ChainRow> {
  yield* rows;
}

describe('the canonical form of an entry', () => {
  it('has a fixed key order, ISO timestamps with milliseconds, seq as a string, and sorted, deduplicated sets', () => {
    const text = canonicalEntry(
      entry(12, {
        at: new Date('2024-03-01T16:00:00+08:00'),
        personIds: ['BBBBBBBB-0000-4000-8000-000000000000', 'aaaaaaaa-0000-4000-8000-000000000000', 'bbbbbbbb-0000-4000-8000-000000000000'],
        fields: ['Person.name', 'Burden.outOfPocket', 'Person.name'],
      }),
    );
    expect(text).toBe(
      '{"seq":"12","at":"2024-03-01T08:00:00.000Z","clientId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","agency":"CIVIL_AFFAIRS",' +
        '"jti":"jti-12","purpose":"ASSISTANCE_ELIGIBILITY","operationName":"PersonById","documentHash":"' +
        'cd'.repeat(32) +
        '","personIds":["aaaaaaaa-0000-4000-8000-000000000000","bbbbbbbb-0000-4000-8000-000000000000"],' +
        '"fields":["Burden.outOfPocket","Person.name"],"outcome":"SUCCESS","error":null}',
    );
  });

  it('does not depend on the order of the sets or of the object keys', () => {
    const a = entry(3, {
      personIds: ['b0000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000'],
      fields: ['X.y', 'A.b'],
    });
    const b: ChainEntry = Object.fromEntries(
      Object.entries({ ...a, personIds: [...a.personIds].reverse(), fields: ['A.b', 'X.y'] }).reverse(),
    ) as unknown as ChainEntry;
    expect(hashEntry(GENESIS_HASH, b)).toBe(hashEntry(GENESIS_HASH, a));
  });

  it('changes the hash when any part of the entry or the previous hash changes', () => {
    const base = entry(5);
    const hash = hashEntry(GENESIS_HASH, base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const changes: Partial<ChainEntry>[] = [
      { seq: 6n },
      { at: new Date(base.at.getTime() + 1) },
      { clientId: null },
      { agency: 'HEALTH' },
      { jti: 'other' },
      { purpose: null },
      { operationName: 'Other' },
      { documentHash: null },
      { personIds: [] },
      { fields: ['Person.phone'] },
      { outcome: 'DENIED' },
      { error: 'boom' },
    ];
    for (const change of changes) expect(hashEntry(GENESIS_HASH, { ...base, ...change }), Object.keys(change)[0]).not.toBe(hash);
    expect(hashEntry('f'.repeat(64), base)).not.toBe(hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', async () => {
    expect(await verifyChain(stream(chain(25)))).toEqual({ intact: true, entries: 25 });
    expect(await verifyChain(stream([]))).toEqual({ intact: true, entries: 0 });
  });

  it('reports an edited entry as a hash mismatch at that entry', async () => {
    const rows = chain(10);
    rows[3] = { ...rows[3]!, purpose: 'SETTLEMENT' };
    expect(await verifyChain(stream(rows))).toEqual({ intact: false, firstBroken: { seq: 4n, reason: 'hash mismatch' } });
  });

  it('reports an edit whose hash was recomputed at the next entry, whose link no longer matches', async () => {
    const rows = chain(10);
    const edited = { ...rows[3]!, fields: [] };
    rows[3] = { ...edited, hash: hashEntry(edited.prevHash, edited) };
    expect(await verifyChain(stream(rows))).toEqual({ intact: false, firstBroken: { seq: 5n, reason: 'previous hash mismatch' } });
  });

  it('reports a deleted entry as a sequence gap at its successor, and a deleted first entry too', async () => {
    const rows = chain(10);
    expect(await verifyChain(stream(rows.filter((r) => r.seq !== 6n)))).toEqual({
      intact: false,
      firstBroken: { seq: 7n, reason: 'sequence gap' },
    });
    expect(await verifyChain(stream(rows.slice(1)))).toEqual({ intact: false, firstBroken: { seq: 2n, reason: 'sequence gap' } });
  });

  it('reports swapped entries at the first of them', async () => {
    const rows = chain(10);
    const swapped = rows.map((row) => (row.seq === 3n ? { ...rows[7]!, seq: 3n } : row.seq === 8n ? { ...rows[2]!, seq: 8n } : row));
    expect(await verifyChain(stream(swapped))).toEqual({ intact: false, firstBroken: { seq: 3n, reason: 'previous hash mismatch' } });
  });

  it('requires the first entry to link to 64 zeros', async () => {
    const e = entry(1);
    const prevHash = '1'.repeat(64);
    expect(await verifyChain(stream([{ ...e, prevHash, hash: hashEntry(prevHash, e) }]))).toEqual({
      intact: false,
      firstBroken: { seq: 1n, reason: 'previous hash mismatch' },
    });
  });
});
