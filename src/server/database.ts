import type { HubConfig } from './config.js';
import { openEmbeddedDatabase, type DatabaseHandle } from './embedded-postgres.js';
import { log } from '../shared/log.js';

/**
 * The database of this configuration: `DATABASE_URL` when set, else the
 * embedded PostgreSQL under the data directory (attached to when another hub
 * process already runs it, started otherwise).
 */
export async function openDatabase(config: HubConfig): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    log.info('using the PostgreSQL of DATABASE_URL');
    return { url: config.databaseUrl, stop: async () => {} };
  }
  return openEmbeddedDatabase(config.dataDir);
}
