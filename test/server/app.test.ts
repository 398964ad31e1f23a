import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../../src/server/app.js';
import { ConfigError, loadConfig, productionProblems } from '../../src/server/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let scratch: string;

beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-app-'));
});

afterAll(async () => {
  await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

describe('modes', () => {
  it('loads demo data on the embedded default only, unless HUB_DEMO says otherwise', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/hub' }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/hub', HUB_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ HUB_DEMO: '0' }).demo).toBe(false);
    expect(() => loadConfig({ HUB_DEMO: 'yes' })).toThrow(/HUB_DEMO must be 1 or 0/);
  });

  it('starts on an empty server database with no persons and no demo clients, creating its data directory', async () => {
    const dataDir = path.join(scratch, 'not', 'there', 'yet');
    const hub = await startHub(loadConfig({ DATABASE_URL: database.url, PORT: '0', HUB_DATA_DIR: dataDir, HUB_DISPATCHER: 'off' }));
    try {
      const origin = new URL(hub.http.url).origin;
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    } finally {
      await hub.stop();
    }
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM client)::int AS clients',
      );
      expect(rows[0]).toEqual({ persons: 0, clients: 0 });
    } finally {
      await client.end();
    }
    await expect(access(path.join(dataDir, 'keys'))).resolves.toBeUndefined();
    await expect(access(path.join(dataDir, 'demo-clients.json'))).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('refuses a production start without a real database, an audit key and CORS origins, naming each', async () => {
    const config = loadConfig({ NODE_ENV: 'production', HUB_DATA_DIR: path.join(scratch, 'prod') });
    expect(config.demo).toBe(true);
    const problems = productionProblems(config, { NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['DATABASE_URL', 'HUB_AUDIT_KEYS', 'HUB_CORS_ORIGINS']);
    await expect(startHub(config)).rejects.toThrow(ConfigError);
    await expect(startHub(config)).rejects.toThrow(/refusing to start in production: DATABASE_URL is not set/);
    // The flag does the same as NODE_ENV.
    expect(loadConfig({}, { production: true }).production).toBe(true);
    const ready = { DATABASE_URL: database.url, HUB_AUDIT_KEYS: 'k1=secret', HUB_CORS_ORIGINS: 'https://console.example.org' };
    expect(productionProblems(loadConfig(ready, { production: true }), ready)).toEqual([]);
    const demo = { ...ready, HUB_DEMO: '1' };
    expect(productionProblems(loadConfig(demo, { production: true }), demo)).toEqual([
      'HUB_DEMO=1: production never loads demo data or demo clients',
    ]);
    const internalHooks = { ...ready, HUB_WEBHOOK_ALLOW_PRIVATE: '1' };
    expect(productionProblems(loadConfig(internalHooks, { production: true }), internalHooks)).toEqual([
      'HUB_WEBHOOK_ALLOW_PRIVATE=1: production never lets webhooks reach loopback or private addresses',
    ]);
  });

  it('reads CORS origins strictly', () => {
    expect(loadConfig({ HUB_CORS_ORIGINS: 'https://a.example.org, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example.org',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig({ HUB_CORS_ORIGINS: 'https://a.example.org/path' })).toThrow(/HUB_CORS_ORIGINS must list origins/);
    expect(() => loadConfig({ HUB_CORS_ORIGINS: '*' })).toThrow(/HUB_CORS_ORIGINS/);
  });
});
