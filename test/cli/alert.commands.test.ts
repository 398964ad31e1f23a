import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { monitorCommand } from '../../src/cli/alert.commands.js';
import { UsageError } from '../../src/cli/usage.js';
import { loadConfig, type HubConfig } from '../../src/server/config.js';
import { createDb, type Db } from '../../src/server/prisma.js';
import { AuditKeyRing } from '../../src/modules/audit/audit.keys.js';
import { keysEnv } from '../modules/audit/audit.fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { storeVisit } from '../support/claims.js';
import { createHousehold } from '../support/factory.js';

let database: TestDatabase;
let config: HubConfig;
let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  database = await createTestDatabase();
  // The audit keys as a server takes them, so that the command writes nothing under the data directory.
  config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HUB_DATA_DIR: '/nonexistent',
    HUB_AUDIT_KEYS: keysEnv(AuditKeyRing.generate()),
  });
  const connection = createDb(database.url);
  db = connection.db;
  close = async () => {
    await db.$disconnect();
    await connection.pool.end();
  };
});

afterAll(async () => {
  await close();
  await database.drop();
});

/** Runs `hub monitor …` in this process and returns its exit code and what it printed on stdout. */
async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await monitorCommand(config, args), stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('hub monitor run', () => {
  it('raises the alerts of a month once and prints what it did as JSON', async () => {
    // A rural stay whose 20 000 after insurance is above gansu-2023's 12 000, stored without its alert (as from an import).
    const person = (await createHousehold(db, '620702', 1, 'RURAL')).members[0]!;
    await storeVisit(db, person.id, 'CLI-1', '2024-05-10', {
      totalCost: '30000.00',
      inPolicyCost: '25000.00',
      basicPaid: '10000.00',
      outOfPocket: '20000.00',
    });
    const first = await run(['run', '--month', '2024-05']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ month: '2024-05', persons: 1, visits: 1, raised: 1 });
    const audited = await db.auditEntry.findMany({ where: { operationName: 'hub monitor run --month 2024-05' } });
    expect(audited.map((entry) => entry.personIds)).toEqual([[person.id]]);
    const again = await run(['run', '--month', '2024-05']);
    expect(JSON.parse(again.stdout)).toMatchObject({ raised: 0 });
    expect(await db.alert.count({ where: { personId: person.id, rule: 'gansu-2023/rural-other-stay' } })).toBe(1);
    // The alert entered the outbox with it.
    const [{ jobs }] = await db.$queryRaw<
      { jobs: number }[]
    >`SELECT count(*)::int AS jobs FROM graphile_worker.jobs WHERE task_identifier = 'deliver_alert'`;
    expect(jobs).toBe(1);
  });

  it('refuses a malformed month as a usage error', async () => {
    await expect(run(['run', '--month', '2024-5'])).rejects.toThrow(UsageError);
    await expect(run(['run'])).rejects.toThrow(UsageError);
  });
});
