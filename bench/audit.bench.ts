/**
 * The audit chain: (1) its hash per entry, keyed (HMAC-SHA256 with the key
 * outside the database, as the hub appends) against plain SHA-256 (the
 * unkeyed chain it replaced), for an entry naming 1 person and one naming 100
 * (a page of `persons(first: 100)`), pure CPU; (2) appends per second on a
 * fresh embedded database, with `--clients` concurrent clients (16 by
 * default) each appending its own entries (100 person ids each) in their own
 * transaction, as reads do, then the chain verified. Prints SQL statements
 * per append too. Asserts nothing.
 *
 *   node --import tsx bench/audit.bench.ts [--entries N] [--rounds N] [--appends N] [--clients N]
 */
import './production.js';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { verifyChain } from '../src/modules/audit/audit.chain.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { AuditRepository } from '../src/modules/audit/audit.repository.js';
import type { StatementCounter } from '../src/server/prisma.js';
import { formatChainHashing, measureChainHashing } from './audit-chain.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '15' },
    appends: { type: 'string', default: '4000' },
    clients: { type: 'string', default: '16' },
  },
});

for (const personIds of [1, 100]) {
  console.log(formatChainHashing(measureChainHashing({ entries: Number(values.entries), rounds: Number(values.rounds), personIds })));
}

const appends = Number(values.appends);
const clients = Number(values.clients);
const counter: StatementCounter = { count: 0, statements: [] };
await withSeededDatabase(
  10,
  async ({ db }) => {
    const keys = AuditKeyRing.generate('bench');
    const audit = new AuditRepository(db, keys);
    const personIds = Array.from({ length: 100 }, () => randomUUID());
    const draft = (client: number) => ({
      clientId: '01890000-0000-7000-8000-00000000000' + (client % 10),
      agency: 'MEDICAL_INSURANCE' as const,
      purpose: 'SETTLEMENT' as const,
      operationName: 'PersonsNested',
      documentHash: 'a'.repeat(64),
      personIds,
      fields: ['Query.persons', 'Person.id', 'Person.idNumber', 'Person.name'],
      outcome: 'SUCCESS' as const,
      jurisdiction: '62',
    });
    const run = async (total: number) => {
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: clients }, async (_, client) => {
          while (next < total) {
            next += 1;
            await audit.append(draft(client));
          }
        }),
      );
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    await run(Math.min(200, appends)); // warm-up
    counter.count = 0;
    const seconds = await run(appends);
    const statements = counter.count;
    const verdict = await verifyChain(audit.chain(), keys);
    console.log(
      `append, ${clients} concurrent clients: ${appends} entries in ${seconds.toFixed(2)} s = ${Math.round(appends / seconds)} appends/s, ` +
        `${(statements / appends).toFixed(2)} SQL statements per append; chain ${verdict.intact ? `intact (${verdict.entries} entries)` : `BROKEN at ${verdict.firstBroken.seq}: ${verdict.firstBroken.reason}`}`,
    );
  },
  counter,
);
