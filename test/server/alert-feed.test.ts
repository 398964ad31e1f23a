import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALERT_CHANNEL } from '../../src/modules/alert/alert.store.js';
import { ALERT_FEED_APPLICATION_NAME, ALERT_RAISED, startAlertFeed, type AlertFeed } from '../../src/server/alert-feed.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let pool: pg.Pool;
let feed: AlertFeed | undefined;
const published: [string, unknown][] = [];
const pubSub = { publish: (topic: string, payload: unknown) => void published.push([topic, payload]) };

/** The backend pids of the feed's sessions on this test's database. */
async function feedSessions(): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
    [ALERT_FEED_APPLICATION_NAME],
  );
  return rows.map((row) => row.pid);
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url });
});

afterAll(async () => {
  await feed?.stop();
  await pool?.end();
  await database?.drop();
});

describe('the alert feed', () => {
  it('publishes the id of each alert notified on commit, and nothing for a transaction rolled back', async () => {
    feed = await startAlertFeed(database.url, pubSub);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_notify($1, $2)', [ALERT_CHANNEL, 'rolled-back']);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await pool.query('SELECT pg_notify($1, $2)', [ALERT_CHANNEL, 'committed']);
    await vi.waitFor(() => expect(published).toEqual([[ALERT_RAISED, 'committed']]));
  });

  it('reconnects when its connection is dropped, and publishes again', async () => {
    const [lost] = await feedSessions();
    await pool.query('SELECT pg_terminate_backend($1)', [lost]);
    await vi.waitFor(async () => expect((await feedSessions()).filter((pid) => pid !== lost)).toHaveLength(1), { timeout: 10_000 });
    published.length = 0;
    await pool.query('SELECT pg_notify($1, $2)', [ALERT_CHANNEL, 'after']);
    await vi.waitFor(() => expect(published).toEqual([[ALERT_RAISED, 'after']]));
  });

  it('closes its connection when stopped', async () => {
    await feed!.stop();
    feed = undefined;
    await vi.waitFor(async () => expect(await feedSessions()).toEqual([]));
  });
});
