import type { HubConfig } from './config.js';
import { grantServingRole, roleOf } from './database-roles.js';
import { openEmbeddedDatabase, type DatabaseHandle } from './embedded-postgres.js';
import { migrate } from './migrate.js';
import { log } from '../shared/log.js';

/**
 * The database of this configuration: `DATABASE_URL` (serving) and
 * `DATABASE_OWNER_URL` (migrations) when set, else the embedded PostgreSQL
 * under the data directory (attached to when another hub process already runs
 * it, started otherwise), with its owner and serving roles.
 */
export async function openDatabase(config: HubConfig): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    log.info('using the PostgreSQL of DATABASE_URL');
    if (!config.databaseOwnerUrl) log.warn('DATABASE_OWNER_URL is not set: the serving role runs the migrations and owns the tables');
    return { url: config.databaseUrl, ownerUrl: config.databaseOwnerUrl ?? config.databaseUrl, stop: async () => {} };
  }
  return openEmbeddedDatabase(config.dataDir);
}

/**
 * Applies pending migrations as the owner, then grants the serving role its
 * privileges (when it is another role).
 * @returns the migrations applied now.
 */
export async function migrateDatabase(database: Pick<DatabaseHandle, 'url' | 'ownerUrl'>): Promise<string[]> {
  const applied = await migrate(database.ownerUrl);
  const servingRole = roleOf(database.url);
  if (servingRole !== roleOf(database.ownerUrl)) await grantServingRole(database.ownerUrl, servingRole);
  return applied;
}
