import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { ClientRepository } from '../../src/auth/client.repository.js';
import { ClientService } from '../../src/auth/client.service.js';
import { handleJwks, handleTokenRequest } from '../../src/auth/oauth.http.js';
import { SigningKeys } from '../../src/auth/signing-keys.js';
import { TokenService } from '../../src/auth/token.service.js';
import { createDb, type Db, type StatementCounter } from '../../src/server/prisma.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A clock the test moves by hand. */
export interface TestClock {
  now: Date;
  advance(seconds: number): void;
}

/** Clients, keys and tokens on a database and a data directory of their own, with a clock the test controls. */
export interface AuthFixture {
  database: TestDatabase;
  db: Db;
  pool: pg.Pool;
  counter: StatementCounter;
  dataDir: string;
  clock: TestClock;
  repository: ClientRepository;
  clients: ClientService;
  keys: SigningKeys;
  tokens: TokenService;
  close(): Promise<void>;
}

/** Sets up the auth components for one test file. */
export async function startAuthFixture(): Promise<AuthFixture> {
  const database = await createTestDatabase();
  const counter: StatementCounter = { count: 0, statements: [] };
  const { db, pool } = createDb(database.url, { counter });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-auth-'));
  const clock: TestClock = {
    now: new Date(),
    advance(seconds) {
      this.now = new Date(this.now.getTime() + seconds * 1000);
    },
  };
  const now = () => clock.now;
  const repository = new ClientRepository(db);
  const keys = await SigningKeys.load(dataDir, { clock: now });
  return {
    database,
    db,
    pool,
    counter,
    dataDir,
    clock,
    repository,
    clients: new ClientService(repository, now),
    keys,
    tokens: new TokenService(repository, keys, { clock: now }),
    async close() {
      await db.$disconnect();
      await pool.end();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A node:http server routing the two OAuth endpoints to their handlers, on a loopback port. */
export async function serveOAuth(fixture: AuthFixture): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/oauth/token') {
      handleTokenRequest(req, res, fixture.tokens).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    } else if (pathname === '/.well-known/jwks.json') {
      handleJwks(res, fixture.keys);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
