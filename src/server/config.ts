import path from 'node:path';

/** The process configuration, read once from the environment (api-contract.md). */
export interface HubConfig {
  /** An external PostgreSQL; when absent the hub runs an embedded one under `dataDir`. */
  databaseUrl: string | undefined;
  port: number;
  /** Where the embedded database and the signing keys live. */
  dataDir: string;
}

/** Reads the configuration; a malformed value stops the process with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(env.PORT)}`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    port,
    dataDir: path.resolve(env.HUB_DATA_DIR ?? './data'),
  };
}
