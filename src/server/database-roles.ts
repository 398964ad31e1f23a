import pg from 'pg';
import { log } from '../shared/log.js';

/** The schemas the hub's migrations create objects in. */
const SCHEMAS = ['public', 'graphile_worker'];

/**
 * Gives the serving role what serving needs and nothing more, as the owner,
 * after the migrations: reading and writing rows (never DDL: it owns nothing),
 * and on `audit_entry` only INSERT and SELECT, so that the log cannot be
 * changed or emptied through the hub's own connection even without the
 * append-only trigger. Re-run after every migration (new tables need grants);
 * it is idempotent.
 */
export async function grantServingRole(ownerUrl: string, servingRole: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = client.escapeIdentifier(servingRole);
    await client.query('BEGIN');
    for (const schema of SCHEMAS) {
      const name = client.escapeIdentifier(schema);
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (!rowCount) continue;
      await client.query(`GRANT USAGE ON SCHEMA ${name} TO ${role}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${name} TO ${role}`);
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${name} TO ${role}`);
      await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${name} TO ${role}`);
    }
    // graphile-worker turns row-level security on for its tables, with no policy: only their owner may use them.
    const { rows: guarded } = await client.query<{ name: string; covered: boolean }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name,
              EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $1) AS covered
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY ($2) AND c.relkind IN ('r', 'p') AND c.relrowsecurity AND n.nspname <> 'public'`,
      [`serving_${servingRole}`, SCHEMAS],
    );
    for (const table of guarded.filter((t) => !t.covered)) {
      await client.query(
        `CREATE POLICY ${client.escapeIdentifier(`serving_${servingRole}`)} ON ${table.name} TO ${role} USING (true) WITH CHECK (true)`,
      );
    }
    // The log: append and read only. TRUNCATE, REFERENCES and TRIGGER were never granted; revoked in case someone did.
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_entry FROM ${role}`);
    // The migration history: read by /readyz, written by the owner only.
    await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "_prisma_migrations" FROM ${role}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`cannot grant the serving role ${servingRole} its privileges: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end();
  }
}

/** The role a connection URL logs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/**
 * Warns when the serving role can do more than serving needs: a superuser
 * (which can switch the append-only trigger off) or the owner of the tables.
 */
export async function warnIfPrivileged(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ superuser: boolean; owns: boolean }>(
    `SELECT r.rolsuper AS superuser,
            EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = 'audit_entry' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owns
     FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const row = rows[0];
  if (row?.superuser) log.warn('the hub serves as a database superuser: set DATABASE_URL to a role without privileges (see the README)');
  else if (row?.owns) log.warn('the hub serves as the owner of its tables: set DATABASE_OWNER_URL for migrations (see the README)');
}

/**
 * Creates (or updates) the owner and serving roles of the embedded server,
 * as its superuser: login roles without superuser, CREATEDB, CREATEROLE,
 * replication or RLS bypass, with the passwords of the credentials file.
 */
export async function ensureRoles(superuser: pg.Client, roles: { user: string; password: string }[]): Promise<void> {
  for (const { user, password } of roles) {
    const { rowCount } = await superuser.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    const verb = rowCount ? 'ALTER' : 'CREATE';
    await superuser.query(
      `${verb} ROLE ${superuser.escapeIdentifier(user)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${superuser.escapeLiteral(password)}`,
    );
  }
}

/**
 * Hands every object of the hub's schemas to `owner`, as the superuser, in
 * the database `superuser` is connected to: for a data directory created
 * before the roles existed, whose objects belong to the superuser.
 */
export async function adoptObjects(superuser: pg.Client, owner: string): Promise<void> {
  await superuser.query(
    `DO $$
DECLARE
  r record;
  owner_role text := ${superuser.escapeLiteral(owner)};
BEGIN
  FOR r IN SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = ANY ($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_get_userbyid(c.relowner) <> owner_role LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO %I', r.name, owner_role);
  END LOOP;
  -- Sequences of serial and identity columns follow their tables.
  FOR r IN SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = ANY ($1) AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> owner_role
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.name, owner_role);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = ANY ($1) AND pg_get_userbyid(p.proowner) <> owner_role LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, owner_role);
  END LOOP;
  FOR r IN SELECT format('%I.%I', n.nspname, t.typname) AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = ANY ($1) AND pg_get_userbyid(t.typowner) <> owner_role
             AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))) LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.name, owner_role);
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'graphile_worker') THEN
    EXECUTE format('ALTER SCHEMA graphile_worker OWNER TO %I', owner_role);
  END IF;
END $$`.replaceAll('$1', `ARRAY[${SCHEMAS.map((s) => superuser.escapeLiteral(s)).join(', ')}]`),
  );
}
