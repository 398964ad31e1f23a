import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { verifyChain } from '../../src/modules/audit/audit.chain.js';
import { AuditKeyRing } from '../../src/modules/audit/audit.keys.js';
import { AuditRepository } from '../../src/modules/audit/audit.repository.js';
import { adoptObjects, ensureRoles, grantServingRole } from '../../src/server/database-roles.js';
import { migrateDatabase } from '../../src/server/database.js';
import { migrate } from '../../src/server/migrate.js';
import { createDb } from '../../src/server/prisma.js';
import { withDatabase } from '../global-setup.js';

const suffix = randomBytes(4).toString('hex');
const owner = { user: `owner_${suffix}`, password: randomBytes(12).toString('hex') };
const app = { user: `app_${suffix}`, password: randomBytes(12).toString('hex') };
const databases = [`roles_${suffix}`, `adopted_${suffix}`];
let superuserUrl: string;

/** The URL of `database` logged in as `login`. */
function urlOf(login: { user: string; password: string }, database: string): string {
  const url = new URL(withDatabase(superuserUrl, database));
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}

async function asSuperuser<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(superuserUrl, database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The error `sql` fails with as the serving role, or undefined when it succeeds. */
async function asApp(database: string, sql: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: urlOf(app, database) });
  await client.connect();
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  superuserUrl = withDatabase(inject('templateUrl'), 'postgres');
  await asSuperuser('postgres', async (client) => {
    await ensureRoles(client, [owner, app]);
    await client.query(`CREATE DATABASE ${databases[0]} OWNER ${owner.user}`);
    await client.query(`CREATE DATABASE ${databases[1]}`);
  });
}, 120_000);

afterAll(async () => {
  await asSuperuser('postgres', async (client) => {
    for (const database of databases) await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS ${app.user}`);
    await client.query(`DROP ROLE IF EXISTS ${owner.user}`);
  });
});

describe('the serving role', () => {
  const database = databases[0]!;

  beforeAll(async () => {
    await migrateDatabase({ url: urlOf(app, database), ownerUrl: urlOf(owner, database) });
  }, 120_000);

  it('appends to the audit log and reads it, and reads and writes the other tables', async () => {
    const { db, pool } = createDb(urlOf(app, database));
    try {
      const keys = AuditKeyRing.generate();
      const audit = new AuditRepository(db, keys);
      await audit.append({ outcome: 'SUCCESS', operationName: 'AsTheServingRole' });
      expect(await verifyChain(audit.chain(), keys)).toEqual({ intact: true, entries: 1 });
      await pool.query(`INSERT INTO household (id, region_code) VALUES ('00000000-0000-4000-8000-000000000001', '620702')`);
      expect((await pool.query('DELETE FROM household')).rowCount).toBe(1);
      // The job queue of the alert outbox is usable too.
      await pool.query(`SELECT graphile_worker.add_job('noop', '{}'::json)`);
    } finally {
      await db.$disconnect();
      await pool.end();
    }
  });

  it('cannot update, delete or truncate audit entries: the privilege is missing, not only the trigger in the way', async () => {
    expect(await asApp(database, `UPDATE audit_entry SET error = 'x'`)).toMatch(/permission denied for table audit_entry/);
    expect(await asApp(database, 'DELETE FROM audit_entry')).toMatch(/permission denied for table audit_entry/);
    expect(await asApp(database, 'TRUNCATE audit_entry')).toMatch(/permission denied for table audit_entry/);
  });

  it('cannot switch the append-only trigger off, by replication role or by DDL', async () => {
    expect(await asApp(database, 'SET session_replication_role = replica')).toMatch(/permission denied to set parameter/);
    expect(await asApp(database, 'ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only')).toMatch(/must be owner/);
    expect(await asApp(database, 'DROP TRIGGER audit_entry_append_only ON audit_entry')).toMatch(/must be owner/);
    expect(
      await asApp(
        database,
        'CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
      ),
    ).toMatch(/permission denied for schema public|must be owner/);
  });

  it('can create no table and change none, and is no superuser', async () => {
    expect(await asApp(database, 'CREATE TABLE stash (x int)')).toMatch(/permission denied for schema public/);
    expect(await asApp(database, 'ALTER TABLE person ADD COLUMN stash text')).toMatch(/must be owner/);
    expect(await asApp(database, "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name) VALUES ('x', 'x', 'x')")).toMatch(
      /permission denied/,
    );
    const superuser = await asSuperuser('postgres', async (client) => {
      const { rows } = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [app.user]);
      return rows[0]!.rolsuper;
    });
    expect(superuser).toBe(false);
  });
});

describe('a database made before the roles existed', () => {
  it('is handed to the owner, after which the serving role works and still cannot touch the log', async () => {
    const database = databases[1]!;
    // The old layout: everything migrated by, and owned by, the superuser.
    await migrate(withDatabase(superuserUrl, database));
    await asSuperuser(database, async (client) => {
      await client.query(`ALTER DATABASE ${database} OWNER TO ${owner.user}`);
      await adoptObjects(client, owner.user);
      const { rows } = await client.query<{ owner: string }>(
        `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('public', 'graphile_worker') AND c.relkind IN ('r', 'S')`,
      );
      expect(rows).toEqual([{ owner: owner.user }]);
    });
    await grantServingRole(urlOf(owner, database), app.user);
    // A second migration run as the owner finds nothing to do and no object it cannot reach.
    expect(await migrateDatabase({ url: urlOf(app, database), ownerUrl: urlOf(owner, database) })).toEqual([]);
    expect(await asApp(database, 'SELECT count(*) FROM person')).toBeUndefined();
    expect(await asApp(database, 'DELETE FROM audit_entry')).toMatch(/permission denied for table audit_entry/);
  }, 120_000);
});
