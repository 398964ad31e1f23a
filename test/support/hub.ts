import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import pg from 'pg';
import { RateCounterRepository } from '../../src/auth/rate-counter.repository.js';
import { ClientRepository } from '../../src/auth/client.repository.js';
import { ClientService } from '../../src/auth/client.service.js';
import { SigningKeys } from '../../src/auth/signing-keys.js';
import { TokenService } from '../../src/auth/token.service.js';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { createRepositories, type Repositories } from '../../src/server/context.js';
import { AuditKeyRing } from '../../src/modules/audit/audit.keys.js';
import { JobQueue } from '../../src/server/job-queue.js';
import { startAlertFeed } from '../../src/server/alert-feed.js';
import { PubSub } from '../../src/server/pubsub.js';
import { startHttpServer } from '../../src/server/http.js';
import { createDb, type Db, type StatementCounter } from '../../src/server/prisma.js';
import { buildHubSchema } from '../../src/server/schema.js';
import { WebhookTargets, type Resolve } from '../../src/modules/webhook/webhook.target.js';
import { createTestDatabase } from './database.js';

/** A GraphQL answer as a client sees it. */
export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/** How a request authenticates and what it declares. */
export interface RequestOptions {
  token?: string;
  /** The X-Purpose header; `null` sends none. */
  purpose?: string | null;
}

/** A hub served over real HTTP on a loopback port, on a database of its own, with real clients and tokens. */
export interface TestHub {
  url: string;
  origin: string;
  /** A token of a medical-insurance client of the whole country. */
  token: string;
  db: Db;
  pool: pg.Pool;
  clients: ClientService;
  tokens: TokenService;
  databaseUrl: string;
  /** Where graphql-ws subscriptions connect. */
  wsUrl: string;
  /** The hub's in-process PubSub, fed by the alert feed. */
  pubSub: PubSub;
  repositories: Repositories;
  /** The audit chain's keys. */
  auditKeys: AuditKeyRing;
  /** The signing keys of tokens (and audit checkpoints). */
  keys: SigningKeys;
  /** The alert outbox the hub's writes enqueue into. */
  queue: JobQueue;
  /** The rate limits' and quotas' counters. */
  counters: RateCounterRepository;
  /** SQL statements sent since the last `counter.count = 0`. */
  counter: StatementCounter;
  /**
   * Registers a client of `agency` and returns its id and a token issued
   * through its credentials. `limits` overrides its agency's; by default the
   * test clients of partners may send query text (`trustedDocumentsOnly:
   * false`), so that tests can build queries: pass `{}` for the agency's own limits.
   */
  client(
    agency: Agency,
    jurisdiction?: string,
    purposes?: string[],
    limits?: Record<string, unknown>,
  ): Promise<{ clientId: string; token: string }>;
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  /** The same with a query string, for tests that build queries (every field coordinate of the policy, say). */
  requestText(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** How a test hub treats webhook targets. */
export interface TestHubOptions {
  webhookMaxAttempts?: number;
  /** Whether webhooks may point to loopback receivers (HUB_WEBHOOK_ALLOW_PRIVATE=1); default false, as in production. */
  webhookAllowPrivate?: boolean;
  /** The DNS the webhook checks use (a fake one for names that must resolve to chosen addresses). */
  resolve?: Resolve;
  metricsToken?: string;
  corsOrigins?: string[];
  /** Milliseconds a 429 answer is held (HUB_REFUSAL_DELAY_MS); default 0, so that tests of limits run fast. */
  refusalDelayMs?: number;
  /** The largest file `POST /imports/{kind}` accepts. */
  maxImportBytes?: number;
  /** The window of the tallies of refusals (bad tokens, refused subscribes, throttled token requests), seconds; default 60. */
  tallySeconds?: number;
}

/** Test clients may send query text, whatever their agency's default. */
const TEXT_ALLOWED = { trustedDocumentsOnly: false };

/** Starts a hub for one test file. */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-keys-'));
  const counter: StatementCounter = { count: 0, statements: [] };
  const { db, pool } = createDb(database.url, { counter, statementTimeoutMs: 10_000 });
  const repository = new ClientRepository(db);
  const clients = new ClientService(repository);
  const keys = await SigningKeys.load(dataDir);
  const tokens = new TokenService(repository, keys, {});
  // Alerts enter the outbox as in production; a test that wants them delivered starts a dispatcher.
  const queue = new JobQueue(options.webhookMaxAttempts ?? 8);
  const targets = new WebhookTargets({
    allowPrivate: options.webhookAllowPrivate ?? false,
    ...(options.resolve && { resolve: options.resolve }),
  });
  const auditKeys = AuditKeyRing.generate();
  const repositories = createRepositories(db, auditKeys, queue, targets);
  const pubSub = new PubSub();
  const feed = await startAlertFeed(database.url, pubSub);
  // As the hub: the rate limits count on a pool of their own (and so out of the statement counts).
  const limiterPool = new pg.Pool({ connectionString: database.url, max: 4 });
  const counters = new RateCounterRepository(limiterPool);
  const http = await startHttpServer(
    {
      schema: await buildHubSchema(pubSub),
      repositories,
      pool,
      tokens,
      keys,
      pubSub,
      metricsToken: options.metricsToken,
      corsOrigins: options.corsOrigins,
      ...(options.refusalDelayMs !== undefined && { refusalDelayMs: options.refusalDelayMs }),
      counters,
      maxImportBytes: options.maxImportBytes,
      ...(options.tallySeconds !== undefined && { tallySeconds: options.tallySeconds }),
    },
    0,
    '127.0.0.1',
  );
  const origin = `http://127.0.0.1:${http.port}`;

  async function client(agency: Agency, jurisdiction = '6207', purposes?: string[], limits: Record<string, unknown> = TEXT_ALLOWED) {
    const { clientId, clientSecret } = await clients.create({
      name: `test ${agency}`,
      agency,
      jurisdiction,
      ...(purposes ? { purposes } : {}),
      limits,
    });
    const issued = await tokens.issue(clientId, clientSecret);
    return { clientId, token: issued!.access_token };
  }

  const defaultClient = await client('MEDICAL_INSURANCE', '');
  async function requestText(query: string, variables?: Record<string, unknown>, options: RequestOptions = {}) {
    const purpose = options.purpose === undefined ? 'ASSISTANCE_ELIGIBILITY' : options.purpose;
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.token ?? defaultClient.token}`,
        ...(purpose ? { 'x-purpose': purpose } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse<Record<string, unknown>>;
  }

  return {
    url: http.url,
    origin,
    token: defaultClient.token,
    db,
    pool,
    clients,
    tokens,
    counter,
    counters,
    databaseUrl: database.url,
    wsUrl: `ws://127.0.0.1:${http.port}/graphql`,
    pubSub,
    repositories,
    auditKeys,
    keys,
    queue,
    client,
    request: (document, variables, options) => requestText(print(document), variables as Record<string, unknown>, options) as never,
    requestText,
    async close() {
      await http.close();
      await feed.stop();
      await db.$disconnect();
      await pool.end();
      await limiterPool.end();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
