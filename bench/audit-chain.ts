import { randomUUID } from 'node:crypto';
import { hashEntry, GENESIS_HASH, type ChainEntry } from '../src/modules/audit/audit.chain.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';

/** What chaining one entry costs, keyed (HMAC-SHA256, as the hub appends) and plain (SHA-256, the unkeyed chain before). */
export interface ChainHashing {
  /** Person ids the entry names. */
  personIds: number;
  /** Median µs per entry of each round, keyed. */
  keyedMicros: number;
  /** Median µs per entry of each round, plain. */
  plainMicros: number;
  /** keyed / plain. */
  ratio: number;
}

/**
 * An entry like the one the hub appends for `persons(first: N)` with a nested
 * selection: N person ids and the field coordinates read.
 */
function sampleEntry(seq: bigint, personIds: readonly string[], keyId: string | null): ChainEntry {
  return {
    seq,
    at: new Date(Date.UTC(2026, 11, 2, 8, 0, 0, Number(seq % 1000n))),
    clientId: '01890000-0000-7000-8000-000000000001',
    agency: 'MEDICAL_INSURANCE',
    jti: '01890000-0000-7000-8000-000000000001.AAAAAAAAAAAAAAAAAAAAAA',
    purpose: 'SETTLEMENT',
    operationName: 'PersonsNested',
    documentHash: 'a'.repeat(64),
    personIds,
    fields: ['Query.persons', 'Person.id', 'Person.idNumber', 'Person.name', 'Person.birthDate', 'Person.statuses', 'Person.benefits'],
    outcome: 'SUCCESS',
    error: null,
    keyId,
    jurisdiction: '62',
  };
}

/**
 * Chains `entries` entries naming `personIds` persons each, keyed and plain in
 * alternating rounds (so that drift of the machine touches both alike), and
 * returns the median cost per entry of each. The canonical serialization is in
 * both: it is what the chain hashes either way.
 */
export function measureChainHashing(options: { entries?: number; rounds?: number; personIds?: number } = {}): ChainHashing {
  const entries = options.entries ?? 2_000;
  const rounds = options.rounds ?? 15;
  const ids = Array.from({ length: options.personIds ?? 100 }, () => randomUUID());
  const keys = AuditKeyRing.generate('bench');
  const chain = (keyed: boolean) => {
    const key = keyed ? keys.current : undefined;
    let prev = GENESIS_HASH;
    const started = process.hrtime.bigint();
    for (let i = 1; i <= entries; i += 1) prev = hashEntry(prev, sampleEntry(BigInt(i), ids, key ? key.kid : null), key);
    return Number(process.hrtime.bigint() - started) / 1000 / entries;
  };
  chain(true); // warm-up
  chain(false);
  const keyed: number[] = [];
  const plain: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    keyed.push(chain(true));
    plain.push(chain(false));
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const keyedMicros = median(keyed);
  const plainMicros = median(plain);
  return { personIds: ids.length, keyedMicros, plainMicros, ratio: keyedMicros / plainMicros };
}

/** One line per measurement: both costs and their ratio. */
export function formatChainHashing(result: ChainHashing): string {
  return (
    `chain hash, ${String(result.personIds).padStart(3)} person ids: keyed HMAC-SHA256 ${result.keyedMicros.toFixed(2)} µs/entry, ` +
    `plain SHA-256 ${result.plainMicros.toFixed(2)} µs/entry, ratio ${result.ratio.toFixed(2)}`
  );
}
