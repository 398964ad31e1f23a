import path from 'node:path';

/** The process configuration, read once from the environment (api-contract.md). */
export interface HubConfig {
  /** An external PostgreSQL; when absent the hub runs an embedded one under `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * The role that owns the schema and runs migrations (DATABASE_OWNER_URL);
   * the hub serves with DATABASE_URL's role, which gets only the privileges it
   * needs. When absent, DATABASE_URL's role migrates too (and owns the tables).
   */
  databaseOwnerUrl: string | undefined;
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
  /**
   * Whether a first start loads demo data and demo clients (HUB_DEMO=1 or 0):
   * by default on the embedded database only, never on a DATABASE_URL unless asked.
   */
  demo: boolean;
  /** NODE_ENV=production or `hub start --production`: start only with a real database, an audit key and CORS origins. */
  production: boolean;
  /** Browser origins allowed to call the hub (HUB_CORS_ORIGINS, comma-separated); none by default. */
  corsOrigins: string[];
  /** Whether webhooks may point to loopback, private and other internal addresses (HUB_WEBHOOK_ALLOW_PRIVATE=1; development and tests only). */
  webhookAllowPrivate: boolean;
  /** Webhook POSTs the dispatcher makes at once (HUB_WEBHOOK_CONCURRENCY, default 16). */
  webhookConcurrency: number;
  /** The audit chain's HMAC keys, `kid=secret,…` newest first (HUB_AUDIT_KEYS); when absent, `<dataDir>/keys/audit-keys.json`. */
  auditKeys: string | undefined;
  /** Seconds between automatic audit checkpoints (HUB_AUDIT_CHECKPOINT_INTERVAL, default 3600; 0 turns them off). */
  checkpointIntervalSeconds: number;
  /** A file each checkpoint is appended to as one JSON line (HUB_AUDIT_CHECKPOINT_FILE). */
  checkpointFile: string | undefined;
  /** A URL each checkpoint is POSTed to as JSON (HUB_AUDIT_CHECKPOINT_URL). */
  checkpointUrl: string | undefined;
  /** Milliseconds any one SQL statement of a request may run before PostgreSQL cancels it (HUB_STATEMENT_TIMEOUT_MS, default 10 000). */
  statementTimeoutMs: number;
  /** Milliseconds a 429 answer is held before it is sent, so that a flood waits out its own refusals (HUB_REFUSAL_DELAY_MS, default 1 000; 0: none). */
  refusalDelayMs: number;
  /** The secret the gateway signs its proof to the subgraphs with (HUB_GATEWAY_SECRET, at least 32 characters). */
  gatewaySecret: string | undefined;
}

/** A configuration the hub refuses to run with; the message names the variable. */
export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(env[name])}`);
  }
  return value;
}

function corsOrigins(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      const url = URL.canParse(origin) ? new URL(origin) : undefined;
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
        throw new ConfigError(`HUB_CORS_ORIGINS must list origins such as https://console.example.org, got ${JSON.stringify(origin)}`);
      }
      return url.origin;
    });
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0, got ${JSON.stringify(value)}`);
}

function checkpointUrl(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new ConfigError('HUB_AUDIT_CHECKPOINT_URL must be an http(s) URL');
  return url.toString();
}

function gatewaySecret(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (text.length < 32) throw new ConfigError('HUB_GATEWAY_SECRET must be at least 32 characters (say, openssl rand -base64 32)');
  return text;
}

/**
 * Reads the configuration; a malformed value stops the process with a clear
 * message. `overrides.production` is the `--production` flag.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { production?: boolean } = {}): HubConfig {
  const dispatcher = env.HUB_DISPATCHER ?? 'on';
  if (dispatcher !== 'on' && dispatcher !== 'off')
    throw new ConfigError(`HUB_DISPATCHER must be on or off, got ${JSON.stringify(dispatcher)}`);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    databaseOwnerUrl: env.DATABASE_OWNER_URL || undefined,
    port: integer(env, 'PORT', 4000, 0, 65535),
    dataDir: path.resolve(env.HUB_DATA_DIR ?? './data'),
    dispatcher: dispatcher === 'on',
    webhookMaxAttempts: integer(env, 'HUB_WEBHOOK_MAX_ATTEMPTS', 8, 1, 25),
    webhookTimeoutMs: integer(env, 'HUB_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    metricsToken: env.HUB_METRICS_TOKEN || undefined,
    demo: flag(env, 'HUB_DEMO') ?? !env.DATABASE_URL,
    production: overrides.production === true || env.NODE_ENV === 'production',
    corsOrigins: corsOrigins(env.HUB_CORS_ORIGINS),
    webhookAllowPrivate: flag(env, 'HUB_WEBHOOK_ALLOW_PRIVATE') ?? false,
    webhookConcurrency: integer(env, 'HUB_WEBHOOK_CONCURRENCY', 16, 1, 256),
    auditKeys: env.HUB_AUDIT_KEYS || undefined,
    checkpointIntervalSeconds: integer(env, 'HUB_AUDIT_CHECKPOINT_INTERVAL', 3600, 0, 7 * 86_400),
    checkpointFile: env.HUB_AUDIT_CHECKPOINT_FILE ? path.resolve(env.HUB_AUDIT_CHECKPOINT_FILE) : undefined,
    checkpointUrl: checkpointUrl(env.HUB_AUDIT_CHECKPOINT_URL),
    statementTimeoutMs: integer(env, 'HUB_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    refusalDelayMs: integer(env, 'HUB_REFUSAL_DELAY_MS', 1_000, 0, 10_000),
    gatewaySecret: gatewaySecret(env.HUB_GATEWAY_SECRET),
  };
}

/**
 * What stops a production start (NODE_ENV=production or `--production`),
 * each naming its variable: no real database, no audit key, no CORS origins,
 * or demo data asked for. Empty when the hub may start.
 */
export function productionProblems(config: HubConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!config.production) return [];
  const problems: string[] = [];
  if (!config.databaseUrl) problems.push('DATABASE_URL is not set: production needs a real PostgreSQL, not the embedded one');
  if (!env.HUB_AUDIT_KEYS)
    problems.push('HUB_AUDIT_KEYS is not set: production needs the audit chain key configured, not generated on disk');
  if (config.corsOrigins.length === 0) problems.push('HUB_CORS_ORIGINS is not set: production needs the browser origins listed explicitly');
  if (env.HUB_DEMO && config.demo) problems.push('HUB_DEMO=1: production never loads demo data or demo clients');
  if (config.webhookAllowPrivate)
    problems.push('HUB_WEBHOOK_ALLOW_PRIVATE=1: production never lets webhooks reach loopback or private addresses');
  return problems;
}
