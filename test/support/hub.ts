import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { StaticTokenAuthenticator } from '../../src/auth/static-token.js';
import { createRepositories } from '../../src/server/context.js';
import { startHttpServer } from '../../src/server/http.js';
import { createDb, type Db, type StatementCounter } from '../../src/server/prisma.js';
import { buildHubSchema } from '../../src/server/schema.js';
import type pg from 'pg';
import { createTestDatabase } from './database.js';

/** A GraphQL answer as a client sees it. */
export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/** A hub served over real HTTP on a loopback port, on a database of its own. */
export interface TestHub {
  url: string;
  origin: string;
  token: string;
  db: Db;
  pool: pg.Pool;
  /** SQL statements sent since the last `counter.count = 0`. */
  counter: StatementCounter;
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Starts a hub for one test file. */
export async function startTestHub(): Promise<TestHub> {
  const database = await createTestDatabase();
  const counter: StatementCounter = { count: 0, statements: [] };
  const { db, pool } = createDb(database.url, { counter });
  const token = randomBytes(24).toString('base64url');
  const authenticator = await StaticTokenAuthenticator.load('/nonexistent', { HUB_API_TOKENS: token });
  const http = await startHttpServer(
    { schema: await buildHubSchema(), repositories: createRepositories(db), pool, authenticator },
    0,
    '127.0.0.1',
  );
  return {
    url: http.url,
    origin: `http://127.0.0.1:${http.port}`,
    token,
    db,
    pool,
    counter,
    async request(document, variables, headers = {}) {
      const response = await fetch(`http://127.0.0.1:${http.port}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-purpose': 'ASSISTANCE_ELIGIBILITY',
          ...headers,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await http.close();
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}
