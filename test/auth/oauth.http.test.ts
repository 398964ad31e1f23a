import { createRemoteJWKSet, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthFixture, serveOAuth, type AuthFixture } from './auth.fixture.js';

let auth: AuthFixture;
let server: { origin: string; close(): Promise<void> };
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  auth = await startAuthFixture();
  server = await serveOAuth(auth);
  ({ clientId, clientSecret } = await auth.clients.create({ name: 'Insurer', agency: 'INSURER', jurisdiction: '' }));
});

afterAll(async () => {
  await server.close();
  await auth.close();
});

const FORM = 'application/x-www-form-urlencoded';

function post(body: string, headers: Record<string, string> = { 'content-type': FORM }) {
  return fetch(`${server.origin}/oauth/token`, { method: 'POST', headers, body });
}

const form = (parameters: Record<string, string>) => new URLSearchParams(parameters).toString();
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function expectToken(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { access_token: string };
  expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'CLAIM_COORDINATION' });
  expect(await auth.tokens.authenticate(`Bearer ${body.access_token}`)).toMatchObject({ clientId, agency: 'INSURER' });
  return body.access_token;
}

async function expectError(response: Response, status: number, error: string): Promise<unknown> {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as { error: string };
  expect(body).toEqual({ error, error_description: expect.any(String) });
  return body;
}

describe('POST /oauth/token', () => {
  it('issues a token for client credentials in a form', async () => {
    await expectToken(await post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })));
  });

  it('issues a token for client credentials as JSON', async () => {
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: null });
    await expectToken(await post(body, { 'content-type': 'application/json; charset=utf-8' }));
  });

  it('issues a token to a client authenticating with HTTP Basic', async () => {
    await expectToken(
      await post(form({ grant_type: 'client_credentials' }), { 'content-type': FORM, authorization: basic(clientId, clientSecret) }),
    );
  });

  it('answers every failed client authentication the same way, with 401 invalid_client', async () => {
    const { clientId: disabledId, clientSecret: disabledSecret } = await auth.clients.create({
      name: 'Gone',
      agency: 'CHARITY',
      jurisdiction: '',
    });
    await auth.clients.disable(disabledId);
    const attempts: [string, Record<string, string>][] = [
      ['wrong secret', { client_id: clientId, client_secret: `${clientSecret}x` }],
      ['unknown client', { client_id: '01900000-0000-7000-8000-000000000000', client_secret: clientSecret }],
      ['malformed client id', { client_id: 'robert', client_secret: clientSecret }],
      ['disabled client', { client_id: disabledId, client_secret: disabledSecret }],
      ['no secret', { client_id: clientId }],
      ['no credentials', {}],
    ];
    const bodies = [];
    for (const [, credentials] of attempts) {
      const response = await post(form({ grant_type: 'client_credentials', ...credentials }));
      // Credentials in the body: no challenge, which a browser would answer with a password dialog.
      expect(response.headers.get('www-authenticate')).toBeNull();
      bodies.push(await expectError(response, 401, 'invalid_client'));
    }
    for (const authorization of [
      basic(clientId, 'wrong'),
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Bearer x',
    ]) {
      const response = await post(form({ grant_type: 'client_credentials' }), { 'content-type': FORM, authorization });
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      bodies.push(await expectError(response, 401, 'invalid_client'));
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
  });

  it('refuses any grant but client_credentials with 400 unsupported_grant_type', async () => {
    for (const grant_type of ['password', 'authorization_code', 'refresh_token']) {
      await expectError(await post(form({ grant_type, client_id: clientId, client_secret: clientSecret })), 400, 'unsupported_grant_type');
    }
  });

  it.each<[string, () => Promise<Response>]>([
    ['a missing grant_type', () => post(form({ client_id: 'x', client_secret: 'y' }))],
    ['a repeated parameter', () => post('grant_type=client_credentials&grant_type=client_credentials')],
    ['another content type', () => post(form({ grant_type: 'client_credentials' }), { 'content-type': 'text/plain' })],
    ['no content type', () => post(form({ grant_type: 'client_credentials' }), {})],
    ['malformed JSON', () => post('{"grant_type":', { 'content-type': 'application/json' })],
    ['a JSON array', () => post('["client_credentials"]', { 'content-type': 'application/json' })],
    [
      'a JSON parameter that is not a string',
      () => post('{"grant_type":"client_credentials","client_id":1}', { 'content-type': 'application/json' }),
    ],
    ['an oversized body', () => post(form({ grant_type: 'client_credentials', padding: 'x'.repeat(20_000) }))],
    [
      'two client authentication methods',
      () =>
        post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }), {
          'content-type': FORM,
          authorization: basic(clientId, clientSecret),
        }),
    ],
  ])('refuses %s with 400 invalid_request', async (_case, send) => {
    await expectError(await send(), 400, 'invalid_request');
  });

  it('accepts POST only', async () => {
    const response = await fetch(`${server.origin}/oauth/token?grant_type=client_credentials`);
    expect(response.headers.get('allow')).toBe('POST');
    await expectError(response, 405, 'invalid_request');
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('publishes the public key of issued tokens under their kid, and a relying party verifies them with it', async () => {
    const token = await expectToken(
      await post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })),
    );
    const response = await fetch(`${server.origin}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: { kid: string; d?: string }[] };
    const { kid } = decodeProtectedHeader(token);
    const published = jwks.keys.find((k) => k.kid === kid)!;
    expect(published).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);

    const options = { issuer: 'medical-assistance-hub', audience: 'medical-assistance-hub/graphql', algorithms: ['ES256'] };
    const remote = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`)), options);
    expect(remote.payload.sub).toBe(clientId);
    const imported = await jwtVerify(token, await importJWK(published, 'ES256'), options);
    expect(imported.payload.purposes).toEqual(['CLAIM_COORDINATION']);
  });

  it('keeps the previous key after a rotation, so tokens signed before it still verify', async () => {
    const before = await expectToken(
      await post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })),
    );
    const newKid = await auth.keys.rotateSigningKey();
    const after = await expectToken(
      await post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })),
    );
    expect(decodeProtectedHeader(after).kid).toBe(newKid);

    const jwks = createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
    expect((await jwtVerify(before, jwks)).payload.sub).toBe(clientId);
    expect((await jwtVerify(after, jwks)).payload.sub).toBe(clientId);
  });
});
