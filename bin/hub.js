#!/usr/bin/env node
// The `hub` command: runs the TypeScript sources through tsx with the
// project's tsconfig (legacy decorators for type-graphql), from any directory.
// It exits explicitly, so that nothing left open (a pool's idle timer) delays the exit.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
