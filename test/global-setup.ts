import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openEmbeddedDatabase } from '../src/server/embedded-postgres.js';
import { migrate } from '../src/server/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated template database; each test file clones it. */
    templateUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: the embedded server in a temporary
 * directory, or the server of TEST_DATABASE_URL. A template database is
 * migrated once; test files clone it (CREATE DATABASE … TEMPLATE), which takes
 * milliseconds and isolates them from each other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stop = async () => {};
  let adminUrl = process.env.TEST_DATABASE_URL;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hub-test-'));
    const database = await openEmbeddedDatabase(dir, { database: 'postgres', superuser: true });
    adminUrl = database.url;
    stop = database.stop;
  }
  const templateUrl = withDatabase(adminUrl, 'hub_test_template');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS hub_test_template');
  await admin.query('CREATE DATABASE hub_test_template');
  await admin.end();
  await migrate(templateUrl);
  project.provide('templateUrl', templateUrl);
  return async () => {
    await stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
