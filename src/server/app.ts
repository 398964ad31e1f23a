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
import { buildHubSchema } from './schema.js';
import { seedIfEmpty } from '../modules/seed/seed.service.js';
import { WebhookTargets } from '../modules/webhook/webhook.target.js';

/** A running hub, and how to stop it cleanly. */
export interface RunningHub {
  http: HubHttpServer;
  stop(): Promise<void>;
}

/**
 * Starts the hub: database (embedded unless `DATABASE_URL`), migrations, demo
 * data on first start, then GraphQL over HTTP. Each step says what it does.
 */
export async function startHub(config: HubConfig, options: { demoData?: boolean } = {}): Promise<RunningHub> {
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
  try {
    const applied = await migrateDatabase(database);
    log.info(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
    const clients = new ClientRepository(db);
    const demo = options.demoData ?? config.demo;
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
    const http = await startHttpServer(
      {
        schema,
        repositories,
        pool,
        tokens,
        keys,
        pubSub,
        metricsToken: config.metricsToken,
        corsOrigins: config.corsOrigins,
        counters: new RateCounterRepository(limiterPool),
        refusalDelayMs: config.refusalDelayMs,
      },
      config.port,
    );
    log.info(`serving GraphQL at ${http.url}`);
    const dispatcher = config.dispatcher
      ? await startDispatcher(pool, repositories, queue, {
          maxAttempts: config.webhookMaxAttempts,
          timeoutMs: config.webhookTimeoutMs,
          concurrency: config.webhookConcurrency,
        })
      : null;
    return {
      http,
      // In order: no new jobs, no new requests, then the connections, then the database under them.
      async stop() {
        checkpoints?.stop();
        if (dispatcher) {
          await dispatcher.stop();
          log.info('dispatcher stopped');
        }
        await http.close();
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
    await feed?.stop().catch(() => {});
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await limiterPool.end().catch(() => {});
    await database.stop();
    throw error;
  }
}
