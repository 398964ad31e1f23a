/**
 * Writes the committed generated files: `schema/schema.graphql`, each
 * agency's view under `schema/agencies/`, and `docs/access-matrix.md`.
 * A test fails when any of them is stale. Run: `npm run schema`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildHubSchema, emittedFiles } from '../src/server/schema.js';
import { log } from '../src/shared/log.js';

for (const [file, content] of Object.entries(emittedFiles(await buildHubSchema()))) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  log.info(`wrote ${path.relative(process.cwd(), file)}`);
}
