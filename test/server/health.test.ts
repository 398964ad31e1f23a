import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(() => hub.close());

describe('health endpoints', () => {
  it('report the process up and the database ready without a token', async () => {
    expect(await (await fetch(`${hub.origin}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${hub.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('report not ready while a migration is pending', async () => {
    const { rows } = await hub.pool.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    await hub.pool.query('UPDATE "_prisma_migrations" SET rolled_back_at = now()');
    try {
      const ready = await fetch(`${hub.origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'migrations pending', pending: rows.map((r) => r.migration_name) });
    } finally {
      await hub.pool.query('UPDATE "_prisma_migrations" SET rolled_back_at = NULL');
    }
  });
});
