/**
 * Imports certification rows through the importer `hub import statuses` runs
 * (ImportService, with the real event outbox), from a CSV file on disk, into
 * a seeded embedded PostgreSQL: rows per second and peak RSS for the first
 * run (every row new) and for the same file again (every row unchanged),
 * against reading and checking the same rows without a database in the same
 * run (the baseline). The aim (issue #11): above 17 000 rows/s, i.e. the
 * national platform's 62 million in under an hour; memory must stay flat
 * (the file is streamed, never loaded). Prints figures; asserts nothing.
 *
 *   npm run bench:import -- [--rows 1000000] [--persons 100000]
 */
import './production.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Principal } from '../src/auth/principal.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { readRows } from '../src/modules/import/import.reader.js';
import { ImportService, type ImportReport } from '../src/modules/import/import.service.js';
import { stageStatus } from '../src/modules/import/status.import.js';
import { createRepositories } from '../src/server/context.js';
import { JobQueue } from '../src/server/job-queue.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, persons: { type: 'string', default: '100000' } },
});
const rows = Number(values.rows);
const persons = Number(values.persons);
const CATEGORIES = [
  'EXTREME_POVERTY',
  'ORPHAN',
  'MINIMUM_LIVING',
  'LOW_INCOME_MARGINAL',
  'ILLNESS_POVERTY',
  'DISTRESSED_CHILD',
  'OTHER_SPECIAL',
];
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Samples the process's RSS while `work` runs: its peak. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRss: number }> {
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const started = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - started) / 1000, peakRss: Math.max(peakRss, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

await withSeededDatabase(persons, async ({ dir, db, pool, seeded }) => {
  const { rows: people } = await pool.query<{ id_number: string }>(
    `SELECT id_number FROM person WHERE region_code LIKE '6207%' ORDER BY id`,
  );
  console.log(
    `${seeded.persons} persons seeded in ${seeded.seconds.toFixed(0)} s; ${rows} certification rows over ${people.length} of them`,
  );

  // The file, written as a stream too: a civil-affairs sync of `rows` documents.
  const file = path.join(dir, 'certifications.csv');
  const out = createWriteStream(file);
  out.write('idNumber,category,class,documentNo,validFrom,validTo\n');
  for (let i = 0; i < rows; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const klass = category === 'MINIMUM_LIVING' ? String((i % 4) + 1) : '';
    const line = `${people[i % people.length]!.id_number},${category},${klass},BENCH-${i},2024-01-01,2024-12-31\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const principal: Principal = {
    clientId: '00000000-0000-7000-8000-000000000001',
    agency: 'CIVIL_AFFAIRS',
    jurisdiction: '6207',
    purposes: ['ASSISTANCE_ELIGIBILITY'],
    jti: 'bench',
  };
  await pool.query(
    `INSERT INTO client (id, name, agency, jurisdiction, purposes) VALUES ($1, 'bench', 'CIVIL_AFFAIRS', '6207', '{ASSISTANCE_ELIGIBILITY}')`,
    [principal.clientId],
  );
  const repositories = createRepositories(db, AuditKeyRing.generate(), new JobQueue(8));
  const service = new ImportService(db, repositories.audit, repositories.exchangeEvents);

  // Baseline: read and check every row, nothing stored.
  const baseline = await measured(async () => {
    let read = 0;
    let good = 0;
    for await (const row of readRows(createReadStream(file), 'csv')) {
      read += 1;
      if ('record' in row && !('code' in stageStatus(row.line, row.record, principal))) good += 1;
    }
    if (good !== rows) throw new Error(`only ${good} of ${read} rows pass the checks: the bench's file is wrong`);
    return read;
  });
  const rate = (n: number, seconds: number) => Math.round(n / seconds);
  console.log(`\n                               rows/s   seconds   peak RSS`);
  const line = (name: string, n: number, m: { seconds: number; peakRss: number }) =>
    console.log(
      `${name.padEnd(30)} ${String(rate(n, m.seconds)).padStart(7)}   ${m.seconds.toFixed(1).padStart(7)}   ${mib(m.peakRss).padStart(8)}`,
    );
  line('read + check only (baseline)', baseline.value, baseline);

  const run = (label: string) =>
    measured(() =>
      service.run('statuses', readRows(createReadStream(file), 'csv'), principal, {
        progress: (read) => void (read % 100_000 < 5_000 && process.stderr.write(`  ${label}: ${read}/${rows}\r`)),
      }),
    );
  const first = await run('first');
  line('import, every row new', rows, first);
  const again = await run('again');
  line('import again, every row same', rows, again);
  const summary = (report: ImportReport) => JSON.stringify({ ...report, errors: report.errors.length });
  console.log(`\nfirst: ${summary(first.value)}\nagain: ${summary(again.value)}`);
  console.log(
    `import at ${((rate(rows, first.seconds) / rate(baseline.value, baseline.seconds)) * 100).toFixed(0)} % of the baseline's rate; aim 17 000 rows/s: ${rate(rows, first.seconds) > 17_000 ? 'met' : 'not met'}`,
  );
  const [{ events }] = (await pool.query<{ events: number }>(`SELECT count(*)::int AS events FROM hub_event`)).rows as [{ events: number }];
  console.log(`${events} certification events in the outbox`);
});
