import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `hub start` as an operator runs it, in a process group of its own as a
 * terminal would: a seeded database, clients and their requests (good and
 * bad), then Ctrl-C to the whole group. Its log and the commands' logs are
 * read as a whole afterwards: the stop is in order and quiet, and no ID number
 * or name of a seeded person appears anywhere.
 */
const HUB = fileURLToPath(new URL('../../bin/hub.js', import.meta.url));
let dataDir: string;
let env: NodeJS.ProcessEnv;
let logs = '';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-lifecycle-'));
  env = { ...process.env, HUB_DATA_DIR: dataDir, DATABASE_URL: '', HUB_DEMO: '0', PORT: '0', HUB_LOG_LEVEL: 'info' };
  // Where an operator sends the audit checkpoints (without one the hub rightly warns).
  env.HUB_AUDIT_CHECKPOINT_FILE = path.join(dataDir, 'checkpoints.jsonl');
});

afterAll(() => rm(dataDir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HUB, ...args], { env });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (logs += chunk));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

function start(): Promise<{ child: ChildProcess; origin: string; log: () => string }> {
  return new Promise((resolve, reject) => {
    // detached: the hub leads a process group, as a shell's foreground job does; Ctrl-C signals the whole group.
    const child = spawn(process.execPath, [HUB, 'start'], { env, detached: true });
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const match = /serving GraphQL at (http[^"\s]+)/.exec(stderr);
      if (match) resolve({ child, origin: new URL(match[1]!).origin, log: () => stderr });
    });
    child.on('close', (code) => reject(new Error(`hub start exited with ${code}: ${stderr}`)));
  });
}

describe('a hub run from start to Ctrl-C', () => {
  it('stops hub, dispatcher and database in order on SIGINT to its process group, quietly, and logs no personal data', async () => {
    expect((await run(['seed', '--persons', '300', '--region', '620700', '--year', '2024', '--seed', '11'])).code).toBe(0);
    const created = await run(['clients', 'create', '--name', 'lifecycle', '--agency', 'MEDICAL_INSURANCE', '--region', '6207']);
    const { clientId, clientSecret } = JSON.parse(created.stdout) as { clientId: string; clientSecret: string };

    const hub = await start();
    const credentials = JSON.parse(readFileSync(path.join(dataDir, 'postgres-credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    const [postgresPid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
    // The database is in a process group of its own, not the hub's: a terminal's Ctrl-C does not reach it.
    const group = (pid: string | number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2];
    expect(group(postgresPid!)).not.toBe(group(hub.child.pid!));

    const persons = new pg.Client({
      connectionString: `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/hub`,
    });
    await persons.connect();
    const seeded = (
      await persons.query<{ id_number: string; name: string; phone: string | null }>('SELECT id_number, name, phone FROM person')
    ).rows;
    await persons.end();
    expect(seeded).toHaveLength(300);

    const issued = await fetch(`${hub.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const graphql = (query: string, variables: Record<string, unknown> = {}) =>
      fetch(`${hub.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SETTLEMENT' },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<{ data?: unknown; errors?: unknown[] }>);
    const page = await graphql('query Page { persons(first: 100) { edges { node { idNumber name phone } } } }');
    // The answers hold personal data (so the log could have had it too).
    expect(seeded.some((p) => JSON.stringify(page).includes(p.id_number))).toBe(true);
    // Lookups by ID number, found and malformed: the number travels in the request, never into the log.
    await graphql('query ByNumber($n: String) { person(idNumber: $n) { name } }', { n: seeded[1]!.id_number });
    await graphql('query BadNumber($n: String) { person(idNumber: $n) { name } }', { n: `${seeded[2]!.id_number}X` });
    await graphql(`query Literal { person(idNumber: "${seeded[3]!.id_number.slice(0, 17)}") { name } }`);
    await graphql(`query Wrong { persons(filter: { name: "${seeded[4]!.name}" }) { totalCount } }`);

    const exited = new Promise<number | null>((resolve) => hub.child.on('close', resolve));
    process.kill(-hub.child.pid!, 'SIGINT');
    const code = await exited;
    const log = hub.log();
    logs += log;
    expect({ code, log }).toMatchObject({ code: 0 });

    const lines = log.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(entries.filter((e) => e.level !== 'info').map((e) => e.msg)).toEqual([]);
    const at = (text: string) => entries.findIndex((e) => e.msg.startsWith(text));
    const order = [
      'SIGINT received',
      'dispatcher stopped',
      'HTTP server closed',
      'database connections closed',
      'stopping the embedded PostgreSQL',
      'stopped',
    ].map(at);
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(existsSync(pidFile)).toBe(false);
    // Every request was logged with its id; a request's lines carry it.
    expect(
      entries.filter((e) => e.msg === 'request' && typeof (e as { requestId?: unknown }).requestId === 'string').length,
    ).toBeGreaterThanOrEqual(5);

    expect(logs).not.toMatch(/^\s+at /m);
    const leaked = seeded.flatMap((p) => [p.id_number, p.name, p.phone].filter((v): v is string => !!v && logs.includes(v)));
    expect(leaked).toEqual([]);
  }, 300_000);
});
