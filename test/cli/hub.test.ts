import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HUB = fileURLToPath(new URL('../../bin/hub.js', import.meta.url));
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-cli-'));
});

afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** Runs `hub …` to completion on the embedded database of `dataDir`. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HUB, ...args], { env: { ...process.env, HUB_DATA_DIR: dataDir, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `hub start` and resolves with its GraphQL URL once it serves. */
function start(): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HUB, 'start'], { env: { ...process.env, HUB_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0' } });
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const match = /serving GraphQL at (http[^"\s]+)/.exec(stderr);
      if (match) resolve({ child, url: match[1]!, log: () => stderr });
    });
    child.on('close', (code) => reject(new Error(`hub start exited with ${code}: ${stderr}`)));
  });
}

describe('the hub command line', () => {
  it('starts on a fresh data directory with demo data, serves GraphQL, and stops cleanly on SIGTERM', async () => {
    const hub = await start();
    const origin = new URL(hub.url).origin;
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    // A first start registers demo clients; one of them gets a token through the OAuth endpoint.
    const demo = JSON.parse(await readFile(path.join(dataDir, 'demo-clients.json'), 'utf8')) as {
      agency: string;
      clientId: string;
      clientSecret: string;
    }[];
    const insurance = demo.find((c) => c.agency === 'MEDICAL_INSURANCE')!;
    const issued = await fetch(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: insurance.clientId, client_secret: insurance.clientSecret }),
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SETTLEMENT' },
      body: JSON.stringify({ query: '{ persons(filter: {regionPrefix: "6207"}) { totalCount } }' }),
    });
    expect(await response.json()).toEqual({ data: { persons: { totalCount: 3000 } } });

    // A command run while the hub runs uses the same embedded server.
    const seeded = await run(['seed', '--persons', '50', '--region', '140100', '--year', '2024', '--seed', '7']);
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ persons: 50 });
    expect(seeded.stderr).toMatch(/already running/);

    const exited = new Promise<number | null>((resolve) => hub.child.on('close', resolve));
    hub.child.kill('SIGTERM');
    // The log is in the comparison so that a failure shows why the hub exited as it did.
    expect({ code: await exited, log: hub.log() }).toMatchObject({
      code: 0,
      log: expect.stringMatching(/stopping the embedded PostgreSQL/),
    });
  }, 120_000);

  it('runs a command with no hub running by starting the embedded server for its duration', async () => {
    const migrated = await run(['migrate']);
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: [] });
    // The demo read above was audited; the chain verifies.
    const verified = await run(['audit', 'verify']);
    expect({ code: verified.code, out: JSON.parse(verified.stdout) }).toMatchObject({ code: 0, out: { intact: true } });
    expect(migrated.stderr).toMatch(/starting the embedded PostgreSQL/);
    expect(migrated.stderr).toMatch(/stopping the embedded PostgreSQL/);
  }, 60_000);

  it('refuses a malformed command line with exit code 2 and the usage', async () => {
    const result = await run(['seed', '--persons', 'ten', '--region', '620700', '--year', '2024']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--persons must be a whole number/);
    expect((await run(['frobnicate'])).code).toBe(2);
  }, 60_000);
});
