#!/usr/bin/env node
// The `hub` command: runs the TypeScript sources through tsx with the
// project's tsconfig (legacy decorators for type-graphql), from any directory.
// It exits explicitly, so that nothing left open (a pool's idle timer) delays the exit.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
// The Prisma client is build output (`postinstall` generates it). An install
// that skipped scripts (`npm ci --ignore-scripts`) generates it here, once.
if (!existsSync(`${root}src/generated/prisma/client.ts`)) {
  if (!existsSync(`${root}node_modules/.bin/prisma`)) {
    process.stderr.write(
      'error: the Prisma client is not generated (src/generated/prisma) and prisma is not installed: run `npm ci` (with dev dependencies) first\n',
    );
    process.exit(1);
  }
  const generated = spawnSync('npm', ['run', '--silent', 'generate:prisma'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (generated.status !== 0) {
    process.stderr.write('error: generating the Prisma client failed: run `npm run generate:prisma` to see why\n');
    process.exit(1);
  }
}

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
