/**
 * Writes the SDL of the hub's schema to `schema/schema.graphql` (committed;
 * a test fails when it is stale). Run: `npm run schema`.
 */
import { writeFile } from 'node:fs/promises';
import { buildHubSchema, printHubSchema, SCHEMA_FILE } from '../src/server/schema.js';
import { log } from '../src/shared/log.js';

await writeFile(SCHEMA_FILE, printHubSchema(await buildHubSchema()));
log.info(`wrote ${SCHEMA_FILE}`);
