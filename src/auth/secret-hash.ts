import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt with N = 2^15, r = 8 (32 MiB, tens of milliseconds per guess). The
// parameters travel with every hash, so they can be raised later without
// invalidating the secrets already issued.
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELIZATION = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Bounds on what a stored hash may ask for, so a corrupted row cannot make
// verification allocate gigabytes.
const MAX_COST = 2 ** 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELIZATION = 16;

const HASH_FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{32,128})$/;

/** A new client secret: 256 random bits, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Hashes a secret for storage as `scrypt$N$r$p$salt$hash` (salt and hash in
 * base64url), with a fresh random salt.
 */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, COST, BLOCK_SIZE, PARALLELIZATION);
  return ['scrypt', COST, BLOCK_SIZE, PARALLELIZATION, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `secret` matches one of the stored hashes, compared in constant
 * time. With no hash at all it still spends the time of one comparison, so
 * the answer time does not tell a caller whether a client exists.
 */
export async function verifySecret(secret: string, hashes: readonly string[]): Promise<boolean> {
  if (hashes.length === 0) {
    await derive(secret, randomBytes(SALT_BYTES), COST, BLOCK_SIZE, PARALLELIZATION);
    return false;
  }
  let matched = false;
  // Every candidate is checked, not just up to the first match, to keep the time flat.
  for (const stored of hashes) {
    if (await matches(secret, stored)) matched = true;
  }
  return matched;
}

async function matches(secret: string, stored: string): Promise<boolean> {
  const parts = HASH_FORMAT.exec(stored);
  if (!parts) return false;
  const [cost, blockSize, parallelization] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const powerOfTwo = cost > 1 && (cost & (cost - 1)) === 0;
  if (!powerOfTwo || cost > MAX_COST || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) return false;
  if (parallelization < 1 || parallelization > MAX_PARALLELIZATION) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await derive(secret, Buffer.from(parts[4]!, 'base64url'), cost, blockSize, parallelization, expected.length);
  return timingSafeEqual(actual, expected);
}

function derive(secret: string, salt: Buffer, N: number, r: number, p: number, length = KEY_BYTES): Promise<Buffer> {
  // Node refuses scrypt above `maxmem` (32 MiB by default); 128·N·r is what it needs, doubled for headroom.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
