import { base64url, decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/auth/signing-keys.js';
import { TokenService } from '../../src/auth/token.service.js';
import { startAuthFixture, type AuthFixture } from './auth.fixture.js';

let auth: AuthFixture;
let clientId: string;
let clientSecret: string;
let token: string;

beforeAll(async () => {
  auth = await startAuthFixture();
  ({ clientId, clientSecret } = await auth.clients.create({ name: 'Civil affairs', agency: 'CIVIL_AFFAIRS', jurisdiction: '6211' }));
  token = (await auth.tokens.issue(clientId, clientSecret))!.access_token;
});

afterAll(() => auth.close());

const bearer = (value: string) => `Bearer ${value}`;

/** Claims and header of a token the hub would issue now, to be spoiled one at a time. */
function genuine(): { header: { alg: string; kid?: string; typ: string }; claims: JWTPayload } {
  return { header: decodeProtectedHeader(token) as { alg: string; kid: string; typ: string }, claims: { ...decodeJwt(token) } };
}

/** Signs with the hub's own current key, so that only the spoiled part can make it fail. */
function signAsHub(claims: JWTPayload, header = genuine().header): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'ES256' }).sign(auth.keys.signingKey.key);
}

describe('issuing a token', () => {
  it('signs ES256 claims that name the client, its agency, jurisdiction and purposes, for 900 s by default', () => {
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: auth.keys.signingKey.kid, typ: 'at+jwt' });
    const claims = decodeJwt(token);
    const now = Math.floor(auth.clock.now.getTime() / 1000);
    expect(claims).toEqual({
      sub: clientId,
      agency: 'CIVIL_AFFAIRS',
      jurisdiction: '6211',
      purposes: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
      jti: expect.stringMatching(new RegExp(`^${clientId}\\.[A-Za-z0-9_-]{22}$`)),
      iss: 'medical-assistance-hub',
      aud: 'medical-assistance-hub/graphql',
      iat: now,
      exp: now + 900,
    });
  });

  it('gives every token an id of its own', async () => {
    const other = (await auth.tokens.issue(clientId, clientSecret))!.access_token;
    expect(decodeJwt(other).jti).not.toBe(decodeJwt(token).jti);
  });

  it('refuses a wrong secret, an unknown client and a malformed client id alike', async () => {
    expect(await auth.tokens.issue(clientId, `${clientSecret}x`)).toBeUndefined();
    expect(await auth.tokens.issue('01900000-0000-7000-8000-000000000000', clientSecret)).toBeUndefined();
    expect(await auth.tokens.issue('robert', clientSecret)).toBeUndefined();
  });

  it('takes a lifetime from 1 to 3600 s, and nothing else', async () => {
    const hourly = new TokenService(auth.repository, auth.keys, { ttlSeconds: 3600, clock: () => auth.clock.now });
    expect((await hourly.issue(clientId, clientSecret))!.expires_in).toBe(3600);
    for (const ttlSeconds of [0, 3601, 1.5]) {
      expect(() => new TokenService(auth.repository, auth.keys, { ttlSeconds })).toThrow(RangeError);
    }
  });
});

describe('authenticating a bearer token', () => {
  it('gives the principal of the token’s claims', async () => {
    expect(await auth.tokens.authenticate(bearer(token))).toEqual({
      clientId,
      agency: 'CIVIL_AFFAIRS',
      jurisdiction: '6211',
      purposes: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
      jti: decodeJwt(token).jti,
    });
    expect(await auth.tokens.authenticate(`bearer  ${token}`)).toBeDefined();
  });

  it('checks the client and revocation in one SQL statement', async () => {
    auth.counter.count = 0;
    expect(await auth.tokens.authenticate(bearer(token))).toBeDefined();
    expect(auth.counter.count).toBe(1);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${token}`],
    ['no token after Bearer', 'Bearer '],
    ['a random string', 'Bearer not-a-token'],
    ['two segments', () => bearer(token.split('.').slice(0, 2).join('.'))],
    ['four segments', () => bearer(`${token}.x`)],
    ['a garbled payload', () => bearer(token.replace(/\.[^.]+\./, '.eyJub3QganNvbg.'))],
    [
      'a signature of another token',
      async () => bearer(`${token.split('.').slice(0, 2).join('.')}.${(await signAsHub({})).split('.')[2]}`),
    ],
    ['an oversized payload', () => bearer(token.replace(/\.[^.]+\./, `.${'a'.repeat(10_000)}.`))],
  ])('refuses a malformed header: %s', async (_case, header) => {
    const value = typeof header === 'function' ? await header() : header;
    expect(await auth.tokens.authenticate(value)).toBeUndefined();
  });

  it('refuses an unsigned token (alg none)', async () => {
    const { header, claims } = genuine();
    const unsigned = [{ ...header, alg: 'none' }, claims].map((part) => base64url.encode(JSON.stringify(part))).join('.');
    expect(await auth.tokens.authenticate(bearer(`${unsigned}.`))).toBeUndefined();
    expect(await auth.tokens.authenticate(bearer(`${unsigned}.${token.split('.')[2]}`))).toBeUndefined();
  });

  it('refuses a token signed HS256 with the public key as the shared secret', async () => {
    const { header, claims } = genuine();
    const publicKey = auth.keys.publicKey(header.kid)!;
    const secrets = [
      new TextEncoder().encode(await exportSPKI(publicKey)),
      new TextEncoder().encode(JSON.stringify(auth.keys.jwks().keys[0])),
      new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey))),
    ];
    for (const secret of secrets) {
      const forged = await new SignJWT(claims).setProtectedHeader({ ...header, alg: 'HS256' }).sign(secret);
      expect(await auth.tokens.authenticate(bearer(forged))).toBeUndefined();
    }
  });

  it('refuses a token signed by another ES256 key, under the hub’s kid or its own', async () => {
    const { header, claims } = genuine();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
    expect(await auth.tokens.authenticate(bearer(forged))).toBeUndefined();
    const ownKid = await new SignJWT(claims).setProtectedHeader({ ...header, kid: 'attacker' }).sign(privateKey);
    expect(await auth.tokens.authenticate(bearer(ownKid))).toBeUndefined();
  });

  it('refuses a token with an unknown kid or none, even signed by the hub’s key', async () => {
    const { header, claims } = genuine();
    expect(await auth.tokens.authenticate(bearer(await signAsHub(claims, { ...header, kid: 'retired-long-ago' })))).toBeUndefined();
    expect(await auth.tokens.authenticate(bearer(await signAsHub(claims, { alg: 'ES256', typ: 'at+jwt' })))).toBeUndefined();
  });

  it.each<[string, (claims: JWTPayload) => JWTPayload]>([
    ['expired', (c) => ({ ...c, iat: c.iat! - 1000, exp: c.iat! - 1 })],
    ['not yet valid', (c) => ({ ...c, nbf: c.iat! + 600 })],
    ['without an expiry', ({ exp: _exp, ...c }) => c],
    ['of another audience', (c) => ({ ...c, aud: 'medical-assistance-hub/admin' })],
    ['with no audience', ({ aud: _aud, ...c }) => c],
    ['of another issuer', (c) => ({ ...c, iss: 'https://idp.example.org' })],
    ['without a jti', ({ jti: _jti, ...c }) => c],
    ['whose jti names another client', (c) => ({ ...c, jti: `01900000-0000-7000-8000-000000000000.${'A'.repeat(22)}` })],
    ['with an unknown agency', (c) => ({ ...c, agency: 'POLICE' })],
    ['with a purpose outside its agency', (c) => ({ ...c, purposes: ['SETTLEMENT'] })],
    ['with a malformed jurisdiction', (c) => ({ ...c, jurisdiction: '62%' })],
  ])('refuses a token signed by the hub but %s', async (_case, spoil) => {
    const { claims } = genuine();
    // Sanity: re-signed unchanged, the token is accepted, so only the spoiled claim can be the cause.
    expect(await auth.tokens.authenticate(bearer(await signAsHub(claims)))).toBeDefined();
    expect(await auth.tokens.authenticate(bearer(await signAsHub(spoil(claims))))).toBeUndefined();
  });

  it('refuses a token of another type signed by the hub', async () => {
    const { header, claims } = genuine();
    expect(await auth.tokens.authenticate(bearer(await signAsHub(claims, { ...header, typ: 'JWT' })))).toBeUndefined();
  });

  it('refuses a token once it has expired', async () => {
    const soon = new TokenService(auth.repository, auth.keys, { ttlSeconds: 5, clock: () => auth.clock.now });
    const short = (await soon.issue(clientId, clientSecret))!.access_token;
    expect(await soon.authenticate(bearer(short))).toBeDefined();
    auth.clock.advance(6);
    expect(await soon.authenticate(bearer(short))).toBeUndefined();
  });

  it('refuses a revoked token from the next request on, and no other token of the client', async () => {
    const [first, second] = [(await auth.tokens.issue(clientId, clientSecret))!, (await auth.tokens.issue(clientId, clientSecret))!];
    await auth.clients.revokeToken(decodeJwt(first.access_token).jti!);
    expect(await auth.tokens.authenticate(bearer(first.access_token))).toBeUndefined();
    expect(await auth.tokens.authenticate(bearer(second.access_token))).toBeDefined();
  });

  it('refuses the unexpired tokens of a client as soon as it is disabled, and issues it no new one', async () => {
    const other = await auth.clients.create({ name: 'Health', agency: 'HEALTH', jurisdiction: '62' });
    const issued = (await auth.tokens.issue(other.clientId, other.clientSecret))!;
    expect(await auth.tokens.authenticate(bearer(issued.access_token))).toMatchObject({ clientId: other.clientId, agency: 'HEALTH' });
    await auth.clients.disable(other.clientId);
    expect(await auth.tokens.authenticate(bearer(issued.access_token))).toBeUndefined();
    expect(await auth.tokens.issue(other.clientId, other.clientSecret)).toBeUndefined();
    // The other client is not affected.
    expect(await auth.tokens.authenticate(bearer(token))).toBeDefined();
  });

  it('keeps tokens signed before a key rotation valid while the old key is published, and signs new ones with the new key', async () => {
    const keys = await SigningKeys.load(auth.dataDir, { clock: () => auth.clock.now });
    const tokens = new TokenService(auth.repository, keys, { clock: () => auth.clock.now });
    const before = (await tokens.issue(clientId, clientSecret))!.access_token;
    const oldKid = decodeProtectedHeader(before).kid;

    const newKid = await keys.rotateSigningKey();
    const after = (await tokens.issue(clientId, clientSecret))!.access_token;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect(newKid).not.toBe(oldKid);
    expect(await tokens.authenticate(bearer(before))).toBeDefined();
    expect(await tokens.authenticate(bearer(after))).toBeDefined();

    // Once the old key has left the JWKS its tokens (long expired by then) are refused whatever the clock says.
    auth.clock.advance(2 * 3600);
    await keys.rotateSigningKey();
    const lateClock = new TokenService(auth.repository, keys, { clock: () => new Date(auth.clock.now.getTime() - 2 * 3600 * 1000) });
    expect(keys.publicKey(oldKid)).toBeUndefined();
    expect(await lateClock.authenticate(bearer(before))).toBeUndefined();
    expect(await lateClock.authenticate(bearer(after))).toBeDefined();
  });
});
