import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { log } from '../shared/log.js';

/** The one algorithm the hub signs and accepts: ECDSA P-256 with SHA-256. */
export const SIGNING_ALGORITHM = 'ES256';

/** No token lives longer than this; a retired public key is published at least that long after it stopped signing. */
export const MAX_TOKEN_TTL_SECONDS = 3600;

const SIGNING_KEY_FILE = 'signing-key.json';
const PUBLIC_KEYS_FILE = 'public-keys.json';

// Margin for clocks of relying parties that run slightly behind.
const RETENTION_MARGIN_SECONDS = 300;

/** A public key as kept in `public-keys.json`, with when it started and stopped signing. */
interface StoredPublicKey {
  kid: string;
  createdAt: string;
  retiredAt?: string;
  jwk: JWK;
}

/** The signing key as kept in `signing-key.json` (mode 0600). */
interface StoredSigningKey {
  kid: string;
  createdAt: string;
  jwk: JWK;
}

interface PublicKey extends StoredPublicKey {
  key: CryptoKey;
}

/**
 * The hub's token signing keys under `<dataDir>/keys/`: `signing-key.json`
 * holds the private key that signs new tokens (created on first start, mode
 * 0600); `public-keys.json` holds its public key and those of the keys it
 * replaced, newest first, for the JWKS. Key ids are RFC 7638 thumbprints.
 */
export class SigningKeys {
  private constructor(
    private readonly dir: string,
    private signer: { kid: string; key: CryptoKey },
    private published: PublicKey[],
    private readonly clock: () => Date,
  ) {}

  /** Loads the keys of the data directory, creating the directory and a first key pair when there are none. */
  static async load(dataDir: string, options: { clock?: () => Date } = {}): Promise<SigningKeys> {
    const clock = options.clock ?? (() => new Date());
    const dir = path.join(dataDir, 'keys');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stored = (await readJson<StoredSigningKey>(path.join(dir, SIGNING_KEY_FILE))) ?? (await createFirstKey(dir, clock()));
    const publicKeys = (await readJson<{ keys: StoredPublicKey[] }>(path.join(dir, PUBLIC_KEYS_FILE)))?.keys ?? [];
    if (!publicKeys.some((k) => k.kid === stored.kid)) {
      // A first start, or a crash between the two writes of a rotation: publish the signing key before it signs.
      publicKeys.unshift({ kid: stored.kid, createdAt: stored.createdAt, jwk: publicPart(stored.jwk) });
      await writeJsonAtomically(path.join(dir, PUBLIC_KEYS_FILE), { keys: publicKeys }, 0o644);
    }
    return new SigningKeys(dir, { kid: stored.kid, key: await importKey(stored.jwk) }, await Promise.all(publicKeys.map(withKey)), clock);
  }

  /** The key that signs new tokens, and its id for the `kid` header. */
  get signingKey(): { kid: string; key: CryptoKey } {
    return this.signer;
  }

  /** The signing key with its public JWK, for what the hub signs besides tokens (audit checkpoints). */
  get checkpointSigner(): { kid: string; key: CryptoKey; jwk: JWK } {
    const { jwk } = this.published.find((k) => k.kid === this.signer.kid)!;
    return { ...this.signer, jwk };
  }

  /** The public key of `kid` while it is published; undefined for any other id. */
  publicKey(kid: string | undefined): CryptoKey | undefined {
    return this.published.find((k) => k.kid === kid)?.key;
  }

  /** The published public keys, as `GET /.well-known/jwks.json` serves them. */
  jwks(): JSONWebKeySet {
    return { keys: this.published.map((k) => ({ ...k.jwk, kid: k.kid, alg: SIGNING_ALGORITHM, use: 'sig' })) };
  }

  /**
   * Replaces the signing key with a new one. The previous public key stays in
   * the JWKS until every token it signed has expired; keys retired longer ago
   * than that are dropped.
   * @returns the new key id.
   */
  async rotateSigningKey(): Promise<string> {
    const now = this.clock();
    const created = await newKey(now);
    const keepSince = now.getTime() - (MAX_TOKEN_TTL_SECONDS + RETENTION_MARGIN_SECONDS) * 1000;
    const published = [
      await withKey({ kid: created.kid, createdAt: created.createdAt, jwk: publicPart(created.jwk) }),
      ...this.published
        .map((k) => (k.kid === this.signer.kid ? { ...k, retiredAt: now.toISOString() } : k))
        .filter((k) => k.retiredAt === undefined || Date.parse(k.retiredAt) >= keepSince),
    ];
    // The public key goes out first, so no token is ever signed by a key the JWKS does not have yet.
    await writeJsonAtomically(path.join(this.dir, PUBLIC_KEYS_FILE), { keys: published.map(({ key: _key, ...stored }) => stored) }, 0o644);
    await writeJsonAtomically(path.join(this.dir, SIGNING_KEY_FILE), created, 0o600);
    this.published = published;
    this.signer = { kid: created.kid, key: await importKey(created.jwk) };
    log.info(`signing key rotated: new key ${created.kid}`);
    return created.kid;
  }
}

async function newKey(now: Date): Promise<StoredSigningKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { kid: await calculateJwkThumbprint(publicPart(jwk)), createdAt: now.toISOString(), jwk };
}

async function createFirstKey(dir: string, now: Date): Promise<StoredSigningKey> {
  const created = await newKey(now);
  const file = path.join(dir, SIGNING_KEY_FILE);
  const temporary = await writeTemporary(file, created, 0o600);
  try {
    // link() creates the name only when it is free: when two processes start on a fresh directory, the first key wins whole.
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readJson<StoredSigningKey>(file))!;
  } finally {
    await unlink(temporary);
  }
  log.info(`created signing key ${created.kid} in ${dir}`);
  return created;
}

function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

async function importKey(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK(jwk, SIGNING_ALGORITHM)) as CryptoKey;
}

async function withKey(stored: StoredPublicKey): Promise<PublicKey> {
  return { ...stored, key: await importKey(stored.jwk) };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Write-then-rename, so a reader (or a crash) never sees half a key file. */
async function writeJsonAtomically(file: string, value: unknown, mode: number): Promise<void> {
  await rename(await writeTemporary(file, value, mode), file);
}

async function writeTemporary(file: string, value: unknown, mode: number): Promise<string> {
  // Unique per call: concurrent writers, in this process or another, each have their own.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode });
  // writeFile applies `mode` only to a file it creates (a stale temporary keeps its own), and through the umask.
  await chmod(temporary, mode);
  return temporary;
}
