import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { log } from '../shared/log.js';
import { currentRequest } from '../shared/request-scope.js';
import { registerPlanPool, type PlanPool } from '../shared/planned.js';

/** The Prisma client the repositories use; one per process. */
export type Db = PrismaClient;

/** Counts the SQL statements sent to PostgreSQL, at the driver, whatever sent them. */
export interface StatementCounter {
  count: number;
  statements: string[];
}

/**
 * Connects Prisma to PostgreSQL through our own `pg` pool, so that the driver
 * can be observed (statement counting in tests, `/readyz`) and closed by us.
 * With `statementTimeoutMs`, PostgreSQL cancels any statement of the pool's
 * connections that runs longer (what a request may hold the database).
 */
export function createDb(
  databaseUrl: string,
  options: { counter?: StatementCounter; poolSize?: number; statementTimeoutMs?: number } = {},
): { db: Db; pool: pg.Pool } {
  // The statement timeout travels in the connection's startup message: no statement more per request.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle connection cut by the server (a restart, or our own shutdown racing pg-pool's
  // asynchronous close of idle clients) must not crash the process: the pool replaces it.
  pool.on('error', (error) => log.warn(`idle database connection lost: ${error.message}`));
  // A checked-out connection can fail too (the job queue holds one for LISTEN): log it rather than crash.
  pool.on('connect', (client) => client.on('error', (error) => log.warn(`database connection lost: ${error.message}`)));
  const counter = options.counter;
  // Every statement counts against the request that sent it (`hub_sql_statements_per_request`), and in tests against `counter`.
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const scope = currentRequest();
      if (scope) scope.statements += 1;
      if (counter) {
        const first = args[0];
        const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
        counter.count += 1;
        counter.statements.push(text ?? '');
      }
      return query(...args);
    };
  });
  endsFully(pool);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  registerPlanPool(db, pool as unknown as PlanPool);
  return { db, pool };
}

/**
 * Makes `pool.end()` wait for its last connection to close. pg-pool's own
 * end() resolves once it has asked every connection to close, not once they
 * have: a database stopped right after would cut them ("terminating
 * connection due to administrator command", logged as a lost connection).
 */
export function endsFully(pool: pg.Pool): pg.Pool {
  const live = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    live.add(client);
    (client as unknown as NodeJS.EventEmitter).once('end', () => live.delete(client));
  });
  const end = pool.end.bind(pool) as () => Promise<void>;
  (pool as unknown as { end: () => Promise<void> }).end = async () => {
    const closing = [...live].map((client) => new Promise((resolve) => (client as unknown as NodeJS.EventEmitter).once('end', resolve)));
    await end();
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  };
  return pool;
}

/** Whether Prisma refused a write for a unique constraint (another writer got there first). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
