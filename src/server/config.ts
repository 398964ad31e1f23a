import path from 'node:path';

/** The process configuration, read once from the environment (api-contract.md). */
export interface HubConfig {
  /** An external PostgreSQL; when absent the hub runs an embedded one under `dataDir`. */
  databaseUrl: string | undefined;
  port: number;
  /** Where the embedded database and the signing keys live. */
  dataDir: string;
  /** Whether `hub start` runs the outbox dispatcher in its own process (HUB_DISPATCHER=off when `hub dispatch` runs apart). */
  dispatcher: boolean;
  /** Attempts of one webhook delivery before it is dead (HUB_WEBHOOK_MAX_ATTEMPTS, default 8: about 30 minutes of backoff). */
  webhookMaxAttempts: number;
  /** Milliseconds one webhook POST may take (HUB_WEBHOOK_TIMEOUT_MS, default 10 000). */
  webhookTimeoutMs: number;
  /** When set, `/metrics` requires `Authorization: Bearer <token>` (HUB_METRICS_TOKEN); otherwise it is open, for a scraper on a private network. */
  metricsToken: string | undefined;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(env[name])}`);
  }
  return value;
}

/** Reads the configuration; a malformed value stops the process with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const dispatcher = env.HUB_DISPATCHER ?? 'on';
  if (dispatcher !== 'on' && dispatcher !== 'off') throw new Error(`HUB_DISPATCHER must be on or off, got ${JSON.stringify(dispatcher)}`);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    port: integer(env, 'PORT', 4000, 0, 65535),
    dataDir: path.resolve(env.HUB_DATA_DIR ?? './data'),
    dispatcher: dispatcher === 'on',
    webhookMaxAttempts: integer(env, 'HUB_WEBHOOK_MAX_ATTEMPTS', 8, 1, 25),
    webhookTimeoutMs: integer(env, 'HUB_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    metricsToken: env.HUB_METRICS_TOKEN || undefined,
  };
}
