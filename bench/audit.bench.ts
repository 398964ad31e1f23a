/**
 * The audit chain's hash per entry, keyed (HMAC-SHA256 with the key outside
 * the database, as the hub appends) against plain SHA-256 (the unkeyed chain
 * it replaced), for an entry naming 1 person and one naming 100 (a page of
 * `persons(first: 100)`). Pure CPU, no database; the hash's share of a whole
 * operation's audit append is in bench/permissions.bench.ts. Asserts nothing.
 *
 *   node --import tsx bench/audit.bench.ts [--entries N] [--rounds N]
 */
import './production.js';
import { parseArgs } from 'node:util';
import { formatChainHashing, measureChainHashing } from './audit-chain.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '15' } } });

for (const personIds of [1, 100]) {
  console.log(formatChainHashing(measureChainHashing({ entries: Number(values.entries), rounds: Number(values.rounds), personIds })));
}
