import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TOKEN_TTL_SECONDS, SigningKeys } from '../../src/auth/signing-keys.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-keys-'));
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('token signing keys', () => {
  it('are created on first start under keys/, the private key readable by its owner only, and loaded again afterwards', async () => {
    const first = await SigningKeys.load(dataDir);
    const privateFile = path.join(dataDir, 'keys', 'signing-key.json');
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path.join(dataDir, 'keys', 'public-keys.json'), 'utf8')).keys[0]).not.toHaveProperty('jwk.d');

    const again = await SigningKeys.load(dataDir);
    expect(again.signingKey.kid).toBe(first.signingKey.kid);
    expect(again.jwks()).toEqual(first.jwks());
  });

  it('publish only public ES256 keys with their kid', async () => {
    const keys = await SigningKeys.load(dataDir);
    const [key, ...others] = keys.jwks().keys;
    expect(others).toEqual([]);
    expect(key).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: keys.signingKey.kid,
      alg: 'ES256',
      use: 'sig',
    });
  });

  it('end up as one key when two processes start on an empty directory at once', async () => {
    const [a, b] = await Promise.all([SigningKeys.load(dataDir), SigningKeys.load(dataDir)]);
    expect(a.signingKey.kid).toBe(b.signingKey.kid);
    expect((await SigningKeys.load(dataDir)).jwks().keys).toHaveLength(1);
  });

  it('keep the previous public key after a rotation until every token it signed has expired, then drop it', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const keys = await SigningKeys.load(dataDir, { clock: () => now });
    const first = keys.signingKey.kid;

    const second = await keys.rotateSigningKey();
    expect(second).not.toBe(first);
    expect(keys.signingKey.kid).toBe(second);
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([second, first]);
    expect(keys.publicKey(first)).toBeDefined();
    // A restarted process sees the same.
    expect((await SigningKeys.load(dataDir)).jwks().keys.map((k) => k.kid)).toEqual([second, first]);

    now = new Date(now.getTime() + MAX_TOKEN_TTL_SECONDS * 1000);
    const third = await keys.rotateSigningKey();
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([third, second, first]);

    now = new Date(now.getTime() + 2 * MAX_TOKEN_TTL_SECONDS * 1000);
    const fourth = await keys.rotateSigningKey();
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([fourth, third]);
    expect(keys.publicKey(first)).toBeUndefined();
    const reloaded = await SigningKeys.load(dataDir);
    expect(reloaded.signingKey.kid).toBe(fourth);
    expect(reloaded.jwks().keys.map((k) => k.kid)).toEqual([fourth, third]);
    expect((await stat(path.join(dataDir, 'keys', 'signing-key.json'))).mode & 0o777).toBe(0o600);
  });
});
