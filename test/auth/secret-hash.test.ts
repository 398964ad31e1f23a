import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, verifySecret } from '../../src/auth/secret-hash.js';

describe('client secret hashing', () => {
  it('verifies a secret against its own hash and refuses any other secret', async () => {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    expect(await verifySecret(secret, [hash])).toBe(true);
    expect(await verifySecret(generateSecret(), [hash])).toBe(false);
    expect(await verifySecret(`${secret}x`, [hash])).toBe(false);
    expect(await verifySecret('', [hash])).toBe(false);
  });

  it('stores a self-describing scrypt string with a fresh salt each time, and never the secret', async () => {
    const secret = generateSecret();
    const [first, second] = [await hashSecret(secret), await hashSecret(secret)];
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain(secret);
    expect(await verifySecret(secret, [second])).toBe(true);
  });

  it('matches any one of several hashes, as during a rotation', async () => {
    const [old, current] = [generateSecret(), generateSecret()];
    const hashes = [await hashSecret(old), await hashSecret(current)];
    expect(await verifySecret(old, hashes)).toBe(true);
    expect(await verifySecret(current, hashes)).toBe(true);
    expect(await verifySecret(generateSecret(), hashes)).toBe(false);
  });

  it('refuses every secret when there is no hash, or a malformed or oversized one', async () => {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    expect(await verifySecret(secret, [])).toBe(false);
    expect(await verifySecret(secret, [secret])).toBe(false);
    expect(await verifySecret(secret, [hash.replace('scrypt$', 'bcrypt$')])).toBe(false);
    expect(await verifySecret(secret, [hash.replace('$32768$', '$1000$')])).toBe(false);
    expect(await verifySecret(secret, [hash.replace('$32768$', `$${2 ** 24}$`)])).toBe(false);
  });
});
