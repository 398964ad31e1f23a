import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalEntry,
  GENESIS_HASH,
  hashEntry,
  verifyChain,
  type ChainEntry,
  type ChainRow,
} from '../../../src/modules/audit/audit.chain.js';
import { AuditKeyRing } from '../../../src/modules/audit/audit.keys.js';

const KEYS = AuditKeyRing.generate('k1');
const KEY = KEYS.current;

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
    keyId: KEY.kid,
    ...overrides,
  };
}

/** A correctly linked chain of `length` entries. */
function chain(length: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const e = entry(seq);
    const hash = hashEntry(prevHash, e, KEY);
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
        keyId: null,
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
    expect(hashEntry(GENESIS_HASH, b, KEY)).toBe(hashEntry(GENESIS_HASH, a, KEY));
  });

  it('changes the hash when any part of the entry or the previous hash changes', () => {
    const base = entry(5);
    const hash = hashEntry(GENESIS_HASH, base, KEY);
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
      { jurisdiction: '6207' },
      { event: 'AUTHENTICATION_FAILED' },
      { address: '127.0.0.1' },
    ];
    for (const change of changes) expect(hashEntry(GENESIS_HASH, { ...base, ...change }, KEY), Object.keys(change)[0]).not.toBe(hash);
    expect(hashEntry('f'.repeat(64), base, KEY)).not.toBe(hash);
    // The same entry under another key of the same id: a key is a secret, not its name.
    expect(hashEntry(GENESIS_HASH, base, AuditKeyRing.generate('k1').current)).not.toBe(hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', async () => {
    expect(await verifyChain(stream(chain(25)), KEYS)).toEqual({ intact: true, entries: 25 });
    expect(await verifyChain(stream([]), KEYS)).toEqual({ intact: true, entries: 0 });
  });

  it('reports an edited entry as a hash mismatch at that entry', async () => {
    const rows = chain(10);
    rows[3] = { ...rows[3]!, purpose: 'SETTLEMENT' };
    expect(await verifyChain(stream(rows), KEYS)).toEqual({ intact: false, firstBroken: { seq: 4n, reason: 'hash mismatch' } });
  });

  it('reports an edit whose hash was recomputed at the next entry, whose link no longer matches', async () => {
    const rows = chain(10);
    const edited = { ...rows[3]!, fields: [] };
    rows[3] = { ...edited, hash: hashEntry(edited.prevHash, edited, KEY) };
    expect(await verifyChain(stream(rows), KEYS)).toEqual({ intact: false, firstBroken: { seq: 5n, reason: 'previous hash mismatch' } });
  });

  it('reports a deleted entry as a sequence gap at its successor, and a deleted first entry too', async () => {
    const rows = chain(10);
    expect(await verifyChain(stream(rows.filter((r) => r.seq !== 6n)), KEYS)).toEqual({
      intact: false,
      firstBroken: { seq: 7n, reason: 'sequence gap' },
    });
    expect(await verifyChain(stream(rows.slice(1)), KEYS)).toEqual({ intact: false, firstBroken: { seq: 2n, reason: 'sequence gap' } });
  });

  it('reports swapped entries at the first of them', async () => {
    const rows = chain(10);
    const swapped = rows.map((row) => (row.seq === 3n ? { ...rows[7]!, seq: 3n } : row.seq === 8n ? { ...rows[2]!, seq: 8n } : row));
    expect(await verifyChain(stream(swapped), KEYS)).toEqual({ intact: false, firstBroken: { seq: 3n, reason: 'previous hash mismatch' } });
  });

  it('requires the first entry to link to 64 zeros', async () => {
    const e = entry(1);
    const prevHash = '1'.repeat(64);
    expect(await verifyChain(stream([{ ...e, prevHash, hash: hashEntry(prevHash, e, KEY) }]), KEYS)).toEqual({
      intact: false,
      firstBroken: { seq: 1n, reason: 'previous hash mismatch' },
    });
  });
});

describe('the keyed chain', () => {
  it('carries fields added after the first version only when set, so entries written before them keep their hash', () => {
    const legacy = entry(1, { keyId: null });
    expect(canonicalEntry(legacy)).not.toMatch(/keyId|jurisdiction|event|address/);
    expect(canonicalEntry({ ...legacy, jurisdiction: '', event: 'AUTHENTICATION_FAILED' })).toMatch(
      /"error":null,"jurisdiction":"","event":"AUTHENTICATION_FAILED"}$/,
    );
  });

  it('finds an entry edited and rechained with plain SHA-256, as someone without the key would', async () => {
    const rows = chain(30);
    // Entry 23 loses its persons; it and every later entry are rehashed with SHA-256 and relinked, keyId kept.
    let prevHash = rows[21]!.hash;
    for (let i = 22; i < rows.length; i += 1) {
      const edited = { ...rows[i]!, personIds: i === 22 ? [] : rows[i]!.personIds, prevHash };
      const hash = createHash('sha256')
        .update(prevHash + canonicalEntry(edited), 'utf8')
        .digest('hex');
      rows[i] = { ...edited, hash };
      prevHash = hash;
    }
    expect(await verifyChain(stream(rows), KEYS)).toEqual({ intact: false, firstBroken: { seq: 23n, reason: 'hash mismatch' } });
  });

  it('refuses an unkeyed entry after the log was keyed, even one whose SHA-256 links correctly', async () => {
    const rows = chain(10);
    const edited = { ...rows[6]!, keyId: null, personIds: [] };
    rows[6] = { ...edited, hash: hashEntry(edited.prevHash, edited) };
    expect(await verifyChain(stream(rows.slice(0, 7)), KEYS)).toEqual({ intact: false, firstBroken: { seq: 7n, reason: 'unkeyed entry' } });
    // Entries written before the log was keyed still verify, up to the recorded boundary only.
    const legacy = new AuditKeyRing(KEYS.keys, 7n);
    expect(await verifyChain(stream(rows.slice(0, 7)), legacy)).toEqual({ intact: true, entries: 7 });
  });

  it('verifies entries of a rotated-out key while the ring holds it, and names an unknown key', async () => {
    const old = KEYS.current;
    const rows = chain(4);
    const rotated = new AuditKeyRing([{ kid: 'k2', secret: Buffer.alloc(32, 7) }, old]);
    const next = { ...entry(5), keyId: 'k2', prevHash: rows[3]!.hash };
    rows.push({ ...next, hash: hashEntry(next.prevHash, next, rotated.current) });
    expect(await verifyChain(stream(rows), rotated)).toEqual({ intact: true, entries: 5 });
    expect(await verifyChain(stream(rows), KEYS)).toEqual({ intact: false, firstBroken: { seq: 5n, reason: 'unknown key' } });
  });

  it('finds a cut tail, a rewritten checkpointed entry and deleted entries against checkpoints', async () => {
    const rows = chain(20);
    const checkpoints = [
      { seq: 10n, hash: rows[9]!.hash },
      { seq: 20n, hash: rows[19]!.hash },
    ];
    expect(await verifyChain(stream(rows), KEYS, checkpoints)).toEqual({ intact: true, entries: 20, checkpoints: 2 });
    // The last five entries deleted: the chain alone is intact, the checkpoint is not reached.
    expect(await verifyChain(stream(rows.slice(0, 15)), KEYS)).toEqual({ intact: true, entries: 15 });
    expect(await verifyChain(stream(rows.slice(0, 15)), KEYS, checkpoints)).toEqual({
      intact: false,
      firstBroken: { seq: 16n, reason: 'log ends before checkpoint' },
    });
    // Rechained with the key itself (a stolen key): the checkpoint still differs at its entry.
    const rechained = chain(20).map((row) => row);
    let prevHash = rechained[4]!.hash;
    for (let i = 5; i < rechained.length; i += 1) {
      const edited = { ...rechained[i]!, fields: [], prevHash };
      rechained[i] = { ...edited, hash: hashEntry(prevHash, edited, KEY) };
      prevHash = rechained[i]!.hash;
    }
    expect(await verifyChain(stream(rechained), KEYS, checkpoints)).toEqual({
      intact: false,
      firstBroken: { seq: 10n, reason: 'checkpoint mismatch' },
    });
  });
});
