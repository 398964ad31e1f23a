/**
 * How the hub's three characteristic loads grow with the seeded population,
 * for docs/scaling.md: run it at two or more `--persons` and compare.
 * On a fresh embedded database with `--persons` seeded (Zhangye, 2024; the
 * six districts share them evenly, so district 620702 holds about a sixth):
 *   (a) the nested read of bench:peer (`persons(first: 100)` of 620702 with
 *       household and members, statuses, 2024 enrollments, the first 5
 *       benefits of 2024) over HTTP, one request at a time: p50, and the
 *       p50 of its `totalCount` statement alone (a count over the district);
 *   (b) `settleClaim` of December 2024 claims of pseudo-random persons, one
 *       request at a time (bench:settlement's claims): p50, p95;
 *   (c) the monthly monitoring run of 2024-12 over every region, after the
 *       seeder's alerts are forgotten (as after an import): seconds, persons
 *       evaluated, alerts raised;
 *   (d) the database's size and its largest tables with their indexes;
 *   (e) with --profile: the statements that took the most time in (a), (b)
 *       and (c), from pg_stat_statements (mean ms and calls per request).
 * The hub runs in this process, NODE_ENV=production, without dispatcher.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:scale -- [--persons 100000] [--reads 20] [--claims 200] [--profile]
 */
import './production.js';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MonitoringService } from '../src/modules/alert/monitoring.service.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { Random } from '../src/modules/seed/random.js';
import { createRepositories } from '../src/server/context.js';
import { JobQueue } from '../src/server/job-queue.js';
import { describeRun, generateClaims, percentile, seededPersons, settleAll, startBenchHub } from './claims.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    reads: { type: 'string', default: '20' },
    claims: { type: 'string', default: '200' },
    profile: { type: 'boolean', default: false },
  },
});
const reads = Number(values.reads);
const claims = Number(values.claims);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const p50 = (list: number[]) =>
  percentile(
    [...list].sort((a, b) => a - b),
    0.5,
  );

await withSeededDatabase(
  Number(values.persons),
  async (bench) => {
    const { pool, seeded } = bench;
    // pg_stat_statements in a schema of its own, created and read by the superuser (the serving role owns nothing).
    const superuser = async <T>(work: (client: pg.Client) => Promise<T>) => {
      const credentials = JSON.parse(await readFile(path.join(bench.dir, 'postgres-credentials.json'), 'utf8')) as {
        user: string;
        password: string;
      };
      const client = new pg.Client({
        connectionString: bench.url.replace(
          /^postgresql:\/\/[^@]+@/,
          `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@`,
        ),
      });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    };
    if (values.profile)
      await superuser((c) => c.query('CREATE SCHEMA bench_stats; CREATE EXTENSION pg_stat_statements SCHEMA bench_stats'));
    const resetProfile = async () => {
      if (values.profile) await superuser((c) => c.query('SELECT bench_stats.pg_stat_statements_reset()'));
    };
    const printProfile = async (label: string, requests: number) => {
      if (!values.profile) return;
      const { rows } = await superuser((c) =>
        c.query<{ calls: string; total: number; mean: number; query: string }>(
          `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, query FROM bench_stats.pg_stat_statements
         WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 6`,
        ),
      );
      console.log(`    ${label}, the statements that took the most time (per request: calls, ms):`);
      for (const r of rows)
        console.log(
          `      ${(Number(r.calls) / requests).toFixed(2)}× ${(r.total / requests).toFixed(1).padStart(8)} ms (mean ${r.mean.toFixed(2)})  ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`,
        );
    };
    process.stderr.write('\n');
    console.log(
      `seed: ${seeded.persons} persons, ${seeded.statuses} statuses, ${seeded.enrollments} enrollments, ${seeded.benefits} benefits, ` +
        `${seeded.alerts} alerts in ${seeded.seconds.toFixed(0)} s (${Math.round(seeded.persons / seeded.seconds)} persons/s); load average ${load()}`,
    );
    const repositories = createRepositories(bench.db, AuditKeyRing.generate(), new JobQueue(8));
    const hub = await startBenchHub(bench, repositories);
    try {
      // (a) The nested read.
      const reader = await hub.token('MEDICAL_INSURANCE', '62');
      const query = await readFile(new URL('./peer/persons.hub.graphql', import.meta.url), 'utf8');
      const read = async () => {
        const started = performance.now();
        const answer = await hub.request(reader, 'ASSISTANCE_ELIGIBILITY', query, {
          first: 100,
          year: 2024,
          filter: { regionPrefix: '620702' },
        });
        if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors));
        return { ms: performance.now() - started, total: (answer.data?.persons as { totalCount: number }).totalCount };
      };
      for (let i = 0; i < 3; i += 1) await read();
      await resetProfile();
      const readTimes: number[] = [];
      let district = 0;
      for (let i = 0; i < reads; i += 1) {
        const { ms, total } = await read();
        readTimes.push(ms);
        district = total;
      }
      await printProfile('(a)', reads);
      const countTimes: number[] = [];
      for (let i = 0; i < 7; i += 1) {
        const started = performance.now();
        await pool.query(`SELECT count(*) FROM person WHERE region_code LIKE '620702%'`);
        countTimes.push(performance.now() - started);
      }
      console.log(
        `(a) nested read persons(first: 100) of 620702 (${district} persons in the district): p50 ${p50(readTimes).toFixed(1)} ms over ${reads}; ` +
          `its totalCount statement alone p50 ${p50(countTimes).toFixed(1)} ms; load ${load()}`,
      );

      // (b) Settlements, one at a time.
      const insurer = await hub.token('MEDICAL_INSURANCE', '62');
      const candidates = await seededPersons(pool);
      const random = new Random(20_241_202);
      const drawn = Array.from({ length: 20 + claims }, () => candidates[Math.floor(random.next() * candidates.length)]!);
      const all = generateClaims(drawn, `SCALE-${Date.now().toString(36)}`, random);
      await settleAll(hub, insurer, all.slice(0, 20), 1, 'warm-up');
      await resetProfile();
      const settled = await settleAll(hub, insurer, all.slice(20), 1, 'settling');
      console.log(describeRun('(b) settleClaim, concurrency 1', settled, `; load ${load()}`));
      await printProfile('(b)', claims);

      // (c) The monthly monitoring run.
      await pool.query('DELETE FROM alert_delivery');
      const { rowCount: forgotten } = await pool.query('DELETE FROM alert');
      const monitoring = new MonitoringService(repositories.monitoring, repositories.alertStore);
      await resetProfile();
      const started = performance.now();
      const report = await monitoring.run('2024-12', '', (evaluated) =>
        process.stderr.write(`  monitoring 2024-12: ${evaluated} persons\r`),
      );
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write('\n');
      console.log(
        `(c) monitoring run 2024-12, every region (${forgotten} seeded alerts forgotten first): ${report.persons} persons evaluated, ` +
          `${report.visits} visits judged, ${report.raised} alerts raised in ${seconds.toFixed(1)} s (${Math.round(report.persons / seconds)} persons/s); load ${load()}`,
      );

      await printProfile('(c)', 1);

      // (d) Sizes.
      const { rows } = await pool.query<{ name: string; rows: string; table: string; indexes: string }>(
        `SELECT c.relname AS name, c.reltuples::bigint AS rows,
         pg_size_pretty(pg_table_size(c.oid)) AS table, pg_size_pretty(pg_indexes_size(c.oid)) AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6`,
      );
      const size = await pool.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
      console.log(
        `(d) database ${size.rows[0]!.size}; largest tables: ${rows.map((r) => `${r.name} ${r.rows} rows ${r.table} + ${r.indexes} indexes`).join('; ')}`,
      );
    } finally {
      await hub.close();
    }
    console.log(`node ${process.version}, ${os.availableParallelism()} CPUs, NODE_ENV=${process.env.NODE_ENV}, load average ${load()}`);
  },
  undefined,
  { preloadLibraries: values.profile ? ['pg_stat_statements'] : [] },
);
