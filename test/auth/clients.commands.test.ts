import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenService } from '../../src/auth/token.service.js';
import { clientsCommand } from '../../src/cli/clients.commands.js';
import { loadConfig, type HubConfig } from '../../src/server/config.js';
import { startAuthFixture, type AuthFixture } from './auth.fixture.js';

let auth: AuthFixture;
let config: HubConfig;
// The command runs on the real clock, so tokens are checked on it too.
let tokens: TokenService;

beforeAll(async () => {
  auth = await startAuthFixture();
  config = loadConfig({ DATABASE_URL: auth.database.url, PORT: '0', HUB_DATA_DIR: auth.dataDir });
  tokens = new TokenService(auth.repository, auth.keys);
});

afterAll(() => auth.close());

/** Runs `hub clients …` in-process and captures what it writes. */
async function hub(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await clientsCommand(config, args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('hub clients', () => {
  it('create prints the client id and its secret as JSON, and the secret gets a token', async () => {
    const { code, stdout, stderr } = await hub('create', '--name', 'Civil affairs, Gansu', '--agency', 'CIVIL_AFFAIRS', '--region', '62');
    expect(code).toBe(0);
    const created = JSON.parse(stdout) as { clientId: string; clientSecret: string };
    expect(created).toEqual({ clientId: expect.any(String), clientSecret: expect.any(String) });
    expect(stderr).not.toContain(created.clientSecret);
    const issued = await tokens.issue(created.clientId, created.clientSecret);
    expect(await tokens.authenticate(`Bearer ${issued!.access_token}`)).toMatchObject({
      agency: 'CIVIL_AFFAIRS',
      jurisdiction: '62',
      purposes: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
    });
  });

  it('create takes a subset of purposes, and the whole country as an empty region', async () => {
    const { code, stdout } = await hub(
      'create',
      '--name',
      'NHSA',
      '--agency',
      'MEDICAL_INSURANCE',
      '--region',
      '',
      '--purposes',
      'SETTLEMENT',
    );
    expect(code).toBe(0);
    const { clientId } = JSON.parse(stdout) as { clientId: string };
    expect(await auth.db.client.findUnique({ where: { id: clientId } })).toMatchObject({ jurisdiction: '', purposes: ['SETTLEMENT'] });
  });

  it('list prints every client as a JSON array, without secrets or hashes', async () => {
    const { code, stdout } = await hub('list');
    expect(code).toBe(0);
    const clients = JSON.parse(stdout) as Record<string, unknown>[];
    expect(clients.map((c) => c.name)).toEqual(['Civil affairs, Gansu', 'NHSA']);
    expect(stdout).not.toMatch(/scrypt|secret|hash/i);
  });

  it('disable, rotate and revoke-token print what they did', async () => {
    const { clientId, clientSecret } = JSON.parse(
      (await hub('create', '--name', 'Health', '--agency', 'HEALTH', '--region', '6201')).stdout,
    );
    const token = (await tokens.issue(clientId, clientSecret))!.access_token;
    const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;

    const rotated = await hub('rotate', '--id', clientId, '--grace-seconds', '0');
    expect(rotated.code).toBe(0);
    const { clientSecret: fresh } = JSON.parse(rotated.stdout) as { clientSecret: string };
    expect(await tokens.issue(clientId, clientSecret)).toBeUndefined();
    expect(await tokens.issue(clientId, fresh)).toBeDefined();

    const revoked = await hub('revoke-token', '--jti', jti);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ jti, clientId });
    expect(await tokens.authenticate(`Bearer ${token}`)).toBeUndefined();

    const disabled = await hub('disable', '--id', clientId);
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ id: clientId, status: 'DISABLED' });
    expect(await tokens.issue(clientId, fresh)).toBeUndefined();
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['create', '--agency', 'HEALTH', '--region', '62']],
    [['create', '--name', 'x', '--agency', 'POLICE', '--region', '62']],
    [['create', '--name', 'x', '--agency', 'HEALTH', '--region', '62a']],
    [['create', '--name', 'x', '--agency', 'HEALTH', '--region', '62', '--purposes', 'SETTLEMENT']],
    [['create', '--name', 'x', '--agency', 'HEALTH', '--region', '62', '--colour', 'red']],
    [['list', 'extra']],
    [['disable']],
    [['disable', '--id', 'robert']],
    [['rotate', '--id', '01900000-0000-7000-8000-000000000000', '--grace-seconds', '-5']],
    [['rotate', '--id', '01900000-0000-7000-8000-000000000000', '--grace-seconds', '999999999']],
    [['revoke-token', '--jti', 'abc']],
  ])('exits 2 with a message on stderr for bad arguments: %j', async (args) => {
    const { code, stdout, stderr } = await hub(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: \S/m);
    expect(stderr).not.toMatch(/ambiguous|Option .--/);
  });

  it('exits 1 with a message for an unknown client id', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    for (const args of [
      ['disable', '--id', missing],
      ['rotate', '--id', missing],
      ['revoke-token', '--jti', `${missing}.${'A'.repeat(22)}`],
    ]) {
      const { code, stdout, stderr } = await hub(...args);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`no client has the id "${missing}"`);
    }
  });

  it('limits overrides a client’s limits over its agency’s, drops one with default, and refuses unknown names and bad values', async () => {
    const { clientId, clientSecret } = JSON.parse(
      (await hub('create', '--name', 'Charity', '--agency', 'CHARITY', '--region', '6207')).stdout,
    ) as { clientId: string; clientSecret: string };
    const set = await hub('limits', '--id', clientId, '--set', 'requests=1200,trustedDocumentsOnly=false');
    expect(set.code).toBe(0);
    expect((JSON.parse(set.stdout) as { limits: unknown }).limits).toEqual({ requests: 1200, trustedDocumentsOnly: false });
    const issued = await tokens.issue(clientId, clientSecret);
    expect((await tokens.authenticateWithLimits(`Bearer ${issued!.access_token}`))!.limits).toMatchObject({
      requests: 1200,
      trustedDocumentsOnly: false,
      aliases: 5,
    });
    const dropped = await hub('limits', '--id', clientId, '--set', 'trustedDocumentsOnly=default');
    expect((JSON.parse(dropped.stdout) as { limits: unknown }).limits).toEqual({ requests: 1200 });
    expect((await hub('limits', '--id', clientId, '--set', 'speed=3')).code).toBe(2);
    expect((await hub('limits', '--id', clientId, '--set', 'requests=0')).stderr).toContain('requests must be a whole number from 1');
  });
});
