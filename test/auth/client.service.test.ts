import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_PURPOSES } from '../../src/auth/access-policy.js';
import { UnknownClientError, validateClientInput, type ClientInput } from '../../src/auth/client.service.js';
import { BadUserInputError } from '../../src/shared/errors.js';
import { startAuthFixture, type AuthFixture } from './auth.fixture.js';

let auth: AuthFixture;

beforeAll(async () => {
  auth = await startAuthFixture();
});

afterAll(() => auth.close());

const MISSING_ID = '01900000-0000-7000-8000-000000000000';

describe('client registration', () => {
  it('gives a client every purpose of its agency when none are named, and lists it without secrets', async () => {
    const { clientId, clientSecret } = await auth.clients.create({
      name: ' Civil affairs, Dingxi ',
      agency: 'CIVIL_AFFAIRS',
      jurisdiction: '6211',
    });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = (await auth.clients.list()).find((c) => c.id === clientId);
    expect(listed).toEqual({
      id: clientId,
      name: 'Civil affairs, Dingxi',
      agency: 'CIVIL_AFFAIRS',
      jurisdiction: '6211',
      purposes: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
      status: 'ACTIVE',
      createdAt: expect.any(String),
      disabledAt: null,
      limits: {},
    });
    expect(JSON.stringify(await auth.clients.list())).not.toContain(clientSecret);
  });

  it('stores only a scrypt hash of the secret', async () => {
    const { clientId, clientSecret } = await auth.clients.create({ name: 'Insurer', agency: 'INSURER', jurisdiction: '' });
    const secrets = await auth.db.clientSecret.findMany({ where: { clientId } });
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.hash).toMatch(/^scrypt\$/);
    expect(secrets[0]!.hash).not.toContain(clientSecret);
    expect(secrets[0]!.expiresAt).toBeNull();
  });

  it('keeps named purposes once each in the policy order, and gives the hub administration none', () => {
    const input = { name: 'x', agency: 'MEDICAL_INSURANCE', jurisdiction: '62' };
    expect(validateClientInput({ ...input, purposes: ['MONITORING_FOLLOW_UP', 'SETTLEMENT', 'SETTLEMENT'] }).purposes).toEqual([
      'SETTLEMENT',
      'MONITORING_FOLLOW_UP',
    ]);
    expect(validateClientInput({ ...input, agency: 'HUB_ADMIN' }).purposes).toEqual([]);
    expect(validateClientInput({ ...input, agency: 'HUB_ADMIN', purposes: [] }).purposes).toEqual([]);
  });

  it('gives each agency exactly the purposes of access-policy.md §3', () => {
    const byPurpose: Record<string, string[]> = {};
    for (const [agency, purposes] of Object.entries(AGENCY_PURPOSES)) for (const p of purposes) (byPurpose[p] ??= []).push(agency);
    expect(byPurpose).toEqual({
      SETTLEMENT: ['MEDICAL_INSURANCE'],
      ASSISTANCE_ELIGIBILITY: ['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      MONITORING_FOLLOW_UP: ['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'HEALTH'],
      CHARITY_AID: ['CHARITY'],
      CLAIM_COORDINATION: ['INSURER'],
      FUND_SUPERVISION: ['FINANCE'],
      POLICY_EVALUATION: ['ANALYST'],
      AUDIT: ['AUDITOR'],
    });
  });

  it.each<[string, Partial<ClientInput>, string]>([
    ['an empty name', { name: '  ' }, 'name'],
    ['a name with a control character', { name: 'a\u0007b' }, 'name'],
    ['a name over 120 characters', { name: 'x'.repeat(121) }, 'name'],
    ['an unknown agency', { agency: 'POLICE' }, 'agency'],
    ['a jurisdiction of 7 digits', { jurisdiction: '6207001' }, 'region'],
    ['a jurisdiction with letters', { jurisdiction: '62a' }, 'region'],
    ['a purpose of another agency', { purposes: ['SETTLEMENT'] }, 'purposes'],
    ['an unknown purpose', { purposes: ['MARKETING'] }, 'purposes'],
    ['no purpose at all for an agency that has some', { purposes: [] }, 'purposes'],
  ])('refuses %s', async (_case, change, argument) => {
    const input = { name: 'Charity', agency: 'CHARITY', jurisdiction: '62', ...change };
    const error = await auth.clients.create(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });
});

describe('disabling a client', () => {
  it('marks it disabled once, keeping the time of the first disabling', async () => {
    const { clientId } = await auth.clients.create({ name: 'Health', agency: 'HEALTH', jurisdiction: '620102' });
    const first = await auth.clients.disable(clientId);
    expect(first).toMatchObject({ id: clientId, status: 'DISABLED', disabledAt: auth.clock.now.toISOString() });
    auth.clock.advance(60);
    expect(await auth.clients.disable(clientId)).toEqual(first);
  });

  it('says so when no client has the id', async () => {
    await expect(auth.clients.disable(MISSING_ID)).rejects.toBeInstanceOf(UnknownClientError);
    await expect(auth.clients.disable('not-a-uuid')).rejects.toBeInstanceOf(UnknownClientError);
  });
});

describe('rotating a client secret', () => {
  it('keeps the old secret working for the grace period, then only the new one', async () => {
    const { clientId, clientSecret: old } = await auth.clients.create({
      name: 'Rural',
      agency: 'RURAL_REVITALIZATION',
      jurisdiction: '6211',
    });
    const rotated = await auth.clients.rotateSecret(clientId, 60);
    expect(rotated).toEqual({
      clientId,
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      previousSecretsExpireAt: new Date(auth.clock.now.getTime() + 60_000).toISOString(),
    });
    expect(await auth.tokens.issue(clientId, old)).toBeDefined();
    expect(await auth.tokens.issue(clientId, rotated.clientSecret)).toBeDefined();

    auth.clock.advance(61);
    expect(await auth.tokens.issue(clientId, old)).toBeUndefined();
    expect(await auth.tokens.issue(clientId, rotated.clientSecret)).toBeDefined();
  });

  it('gives the old secret one day by default, and stops it at once with a grace of 0', async () => {
    const { clientId, clientSecret: old } = await auth.clients.create({ name: 'Finance', agency: 'FINANCE', jurisdiction: '62' });
    const byDefault = await auth.clients.rotateSecret(clientId);
    expect(Date.parse(byDefault.previousSecretsExpireAt) - auth.clock.now.getTime()).toBe(86_400_000);

    const immediate = await auth.clients.rotateSecret(clientId, 0);
    expect(await auth.tokens.issue(clientId, old)).toBeUndefined();
    expect(await auth.tokens.issue(clientId, byDefault.clientSecret)).toBeUndefined();
    expect(await auth.tokens.issue(clientId, immediate.clientSecret)).toBeDefined();
  });

  it('never extends the grace an earlier rotation gave', async () => {
    const { clientId, clientSecret: first } = await auth.clients.create({ name: 'Analyst', agency: 'ANALYST', jurisdiction: '' });
    await auth.clients.rotateSecret(clientId, 10);
    await auth.clients.rotateSecret(clientId, 3600);
    auth.clock.advance(11);
    expect(await auth.tokens.issue(clientId, first)).toBeUndefined();
  });

  it('refuses a negative, fractional or excessive grace, and an unknown client', async () => {
    const { clientId } = await auth.clients.create({ name: 'Auditor', agency: 'AUDITOR', jurisdiction: '62' });
    for (const grace of [-1, 1.5, 31 * 86_400]) {
      await expect(auth.clients.rotateSecret(clientId, grace)).rejects.toBeInstanceOf(BadUserInputError);
    }
    await expect(auth.clients.rotateSecret(MISSING_ID, 10)).rejects.toBeInstanceOf(UnknownClientError);
  });
});

describe('revoking a token', () => {
  it('records the token id with its client until every token of now has expired, once however often it is revoked', async () => {
    const { clientId, clientSecret } = await auth.clients.create({
      name: 'Medical insurance',
      agency: 'MEDICAL_INSURANCE',
      jurisdiction: '62',
    });
    const { access_token } = (await auth.tokens.issue(clientId, clientSecret))!;
    const jti = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()).jti as string;
    const revoked = await auth.clients.revokeToken(jti);
    expect(revoked).toEqual({ jti, clientId, expiresAt: new Date(auth.clock.now.getTime() + 3_600_000).toISOString() });
    await auth.clients.revokeToken(jti);
    expect(await auth.db.revokedToken.findMany({ where: { jti } })).toEqual([
      { jti, clientId, expiresAt: new Date(revoked.expiresAt), revokedAt: expect.any(Date) },
    ]);
  });

  it('refuses an id this hub did not issue, and the id of a token of an unknown client', async () => {
    await expect(auth.clients.revokeToken('abc')).rejects.toBeInstanceOf(BadUserInputError);
    await expect(auth.clients.revokeToken(`${MISSING_ID}.AAAAAAAAAAAAAAAAAAAAAA`)).rejects.toBeInstanceOf(UnknownClientError);
  });
});
