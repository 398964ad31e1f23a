// Runs after `npm ci` / `npm install` in this checkout: generates the Prisma
// client (src/generated/prisma, needed by every `hub` command) and the typed
// operations the tests import (test/generated). Both are build output, not
// committed. Where the generators are absent — a production install with
// `npm ci --omit=dev`, whose image copies the generated client from its build
// stage — it says so and succeeds, so that the install itself never fails here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const has = (bin) => existsSync(`${root}node_modules/.bin/${bin}`);

function run(script) {
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (has('prisma')) run('generate:prisma');
else process.stderr.write('postinstall: prisma is not installed (production install): the Prisma client is not generated here\n');
if (has('graphql-codegen')) run('generate:operations');
