import pg from 'pg';
import { ClientRepository } from '../auth/client.repository.js';
import { RateCounterRepository } from '../auth/rate-counter.repository.js';
import { ClientService } from '../auth/client.service.js';
import { SigningKeys } from '../auth/signing-keys.js';
import { TokenService } from '../auth/token.service.js';
import { createDemoClients } from '../modules/seed/demo-clients.js';
import { log } from '../shared/log.js';
import { mkdir } from 'node:fs/promises';
import { ConfigError, productionProblems, type HubConfig } from './config.js';
import { createRepositories } from './context.js';
import { headSeq, loadAuditKeys } from './audit-keys.js';
import { startCheckpoints, type CheckpointTimer } from './checkpoints.js';
import { warnIfPrivileged } from './database-roles.js';
import { migrateDatabase, openDatabase } from './database.js';
import { startHttpServer, type HubHttpServer } from './http.js';
import { startAlertFeed, type AlertFeed } from './alert-feed.js';
import { startDispatcher } from './dispatcher.js';
import { JobQueue } from './job-queue.js';
import { createDb, endsFully } from './prisma.js';
import { PubSub } from './pubsub.js';
import { buildHubSchema, HUB_RESOLVERS } from './schema.js';
import { GatewayProof } from '../federation/gateway-proof.js';
import { buildSubgraph } from '../federation/subgraph-schema.js';
import type { Subgraph } from '../federation/subgraphs.js';
import { seedIfEmpty } from '../modules/seed/seed.service.js';
import { WebhookTargets } from '../modules/webhook/webhook.target.js';

/** A running hub, and how to stop it cleanly. */
export interface RunningHub {
  http: HubHttpServer;
  stop(): Promise<void>;
}

/** What to serve: the whole schema (`hub start`), or subgraphs of the federated deployment (`hub subgraph`, `hub gateway`). */
export interface HubServing {
  /** The subgraphs this process serves, each on its own port; none: the single process's whole schema on `config.port`. */
  subgraphs?: { name: Subgraph; port: number }[];
  /** The secret the gateway signs its proof with (HUB_GATEWAY_SECRET); needed with `subgraphs`. */
  gatewaySecret?: string;
  /** Whether to load demo data and clients on a first start (default: `config.demo`). */
  demoData?: boolean;
}

/** A hub serving subgraphs: one HTTP server per subgraph, on one database, dispatcher and set of keys. */
export interface RunningSubgraphs {
  servers: Record<string, HubHttpServer>;
  stop(): Promise<void>;
}

/**
 * Starts the hub: database (embedded unless `DATABASE_URL`), migrations, demo
 * data on first start, then GraphQL over HTTP. Each step says what it does.
 */
export async function startHub(config: HubConfig, options: { demoData?: boolean } = {}): Promise<RunningHub> {
  const running = await runHub(config, options);
  return { http: running.servers.hub!, stop: running.stop };
}

/**
 * Starts the subgraphs of the federated deployment in this process: the same
 * start as `startHub`, but each subgraph's schema (subgraph-schema.ts) on its
 * own port, answering only requests that carry the gateway's proof.
 */
export async function startSubgraphs(
  config: HubConfig,
  serving: Required<Pick<HubServing, 'subgraphs' | 'gatewaySecret'>> & HubServing,
): Promise<RunningSubgraphs> {
  return runHub(config, serving);
}

async function runHub(config: HubConfig, serving: HubServing): Promise<RunningSubgraphs> {
  const problems = productionProblems(config);
  if (problems.length > 0) throw new ConfigError(`refusing to start in production: ${problems.join('; ')}`);
  // Keys live there whatever the database (and the embedded one too).
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config);
  // Room for the dispatcher (a lock, a LISTEN and its jobs) beside the requests.
  const { db, pool } = createDb(database.url, { poolSize: 20, statementTimeoutMs: config.statementTimeoutMs });
  // The rate limits count on connections of their own: a flood holding the request pool cannot delay the refusals.
  const limiterPool = endsFully(new pg.Pool({ connectionString: database.url, max: 4, statement_timeout: 2_000 }));
  limiterPool.on('error', (error) => log.warn(`idle database connection lost: ${error.message}`));
  let feed: AlertFeed | undefined;
  let checkpoints: CheckpointTimer | null = null;
  const servers: Record<string, HubHttpServer> = {};
  try {
    const applied = await migrateDatabase(database);
    log.info(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
    const clients = new ClientRepository(db);
    const demo = serving.demoData ?? config.demo;
    if (!demo) log.info('no demo data: this database gets only what its clients write (HUB_DEMO=1 would load the demo)');
    if (demo && (await seedIfEmpty(pool))) await createDemoClients(new ClientService(clients), pool, config.dataDir);
    const keys = await SigningKeys.load(config.dataDir);
    const tokens = new TokenService(clients, keys, {});
    const pubSub = new PubSub();
    const schema = await buildHubSchema(pubSub);
    const queue = new JobQueue(config.webhookMaxAttempts);
    const auditKeys = await loadAuditKeys(config, () => headSeq(pool));
    const repositories = createRepositories(db, auditKeys, queue, new WebhookTargets({ allowPrivate: config.webhookAllowPrivate }));
    if (config.webhookAllowPrivate) log.warn('HUB_WEBHOOK_ALLOW_PRIVATE=1: webhooks may point to internal addresses (development only)');
    await warnIfPrivileged(pool);
    checkpoints = startCheckpoints(repositories.audit, keys, config);
    // Listening before the first subscriber can connect.
    feed = await startAlertFeed(database.url, pubSub);
    const deps = {
      repositories,
      pool,
      tokens,
      keys,
      metricsToken: config.metricsToken,
      corsOrigins: config.corsOrigins,
      counters: new RateCounterRepository(limiterPool),
      refusalDelayMs: config.refusalDelayMs,
    };
    if (serving.subgraphs) {
      if (!serving.gatewaySecret)
        throw new ConfigError('HUB_GATEWAY_SECRET is not set: subgraphs answer only requests signed by their gateway');
      const gatewayProof = new GatewayProof(serving.gatewaySecret);
      for (const { name, port } of serving.subgraphs) {
        // Subscriptions stay with the single process for now: a subgraph serves queries and mutations.
        servers[name] = await startHttpServer({ ...deps, schema: buildSubgraph(name, schema, HUB_RESOLVERS), gatewayProof }, port);
        log.info(`serving subgraph ${name} at ${servers[name].url}`);
      }
    } else {
      servers.hub = await startHttpServer({ ...deps, schema, pubSub }, config.port);
      log.info(`serving GraphQL at ${servers.hub.url}`);
    }
    const dispatcher = config.dispatcher
      ? await startDispatcher(pool, repositories, queue, {
          maxAttempts: config.webhookMaxAttempts,
          timeoutMs: config.webhookTimeoutMs,
          concurrency: config.webhookConcurrency,
        })
      : null;
    return {
      servers,
      // In order: no new jobs, no new requests, then the connections, then the database under them.
      async stop() {
        checkpoints?.stop();
        if (dispatcher) {
          await dispatcher.stop();
          log.info('dispatcher stopped');
        }
        for (const server of Object.values(servers)) await server.close();
        log.info('HTTP server closed');
        await feed?.stop();
        await db.$disconnect();
        await pool.end();
        await limiterPool.end();
        log.info('database connections closed');
        await database.stop();
      },
    };
  } catch (error) {
    checkpoints?.stop();
    for (const server of Object.values(servers)) await server.close().catch(() => {});
    await feed?.stop().catch(() => {});
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await limiterPool.end().catch(() => {});
    await database.stop();
    throw error;
  }
}
