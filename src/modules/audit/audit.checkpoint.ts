import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { CheckpointHead } from './audit.chain.js';

/** The JWS `typ` of a checkpoint: no access token (typ `at+jwt`) can pass for one, nor the other way round. */
export const CHECKPOINT_TYPE = 'audit-checkpoint+jwt';

const ISSUER = 'medical-assistance-hub';

/**
 * A signed checkpoint as it leaves the hub: the compact JWS, which is what
 * counts, the public key that signed it (its `kid` is the key's RFC 7638
 * thumbprint, which binds the two), and the signed values spelled out for a
 * reader. An auditor keeps these, one JSON object per line.
 */
export interface SignedCheckpoint {
  /** The last entry's seq, a decimal string. */
  seq: string;
  /** That entry's hash. */
  hash: string;
  /** When the checkpoint was made, ISO 8601. */
  at: string;
  kid: string;
  jwk: JWK;
  jws: string;
}

/** The key that signs checkpoints: the hub's token signing key, with its public part for the reader. */
export interface CheckpointSigner {
  kid: string;
  key: CryptoKey;
  jwk: JWK;
}

/** Signs "the log's entry `seq` has hash `hash`" at `now`. */
export async function signCheckpoint(head: CheckpointHead, signer: CheckpointSigner, now: Date): Promise<SignedCheckpoint> {
  const seconds = Math.floor(now.getTime() / 1000);
  const jws = await new SignJWT({ seq: head.seq.toString(), hash: head.hash })
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: CHECKPOINT_TYPE })
    .setIssuer(ISSUER)
    .setIssuedAt(seconds)
    .sign(signer.key);
  return { seq: head.seq.toString(), hash: head.hash, at: now.toISOString(), kid: signer.kid, jwk: signer.jwk, jws };
}

/** A checkpoint whose signature holds: what it vouches for and the key id that signed it. */
export interface VerifiedCheckpoint extends CheckpointHead {
  kid: string;
  at: Date;
}

/**
 * Checks a checkpoint's signature with the key it carries, after checking
 * that the key is the one its `kid` names (the thumbprint). Only the signed
 * values are returned: the readable copies beside the JWS are not trusted.
 * Throws with the reason when the checkpoint does not hold.
 */
export async function verifyCheckpoint(checkpoint: unknown): Promise<VerifiedCheckpoint> {
  const { jws, jwk } = (checkpoint ?? {}) as Partial<SignedCheckpoint>;
  if (typeof jws !== 'string' || typeof jwk !== 'object' || jwk === null) throw new Error('not a checkpoint: jws and jwk are required');
  const { kid } = decodeProtectedHeader(jws);
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (typeof kid !== 'string' || kid !== (await calculateJwkThumbprint(publicJwk)))
    throw new Error('the checkpoint key is not the one its kid names');
  const { payload } = await jwtVerify(jws, await importJWK(publicJwk, 'ES256'), {
    algorithms: ['ES256'],
    typ: CHECKPOINT_TYPE,
    issuer: ISSUER,
    requiredClaims: ['iat'],
  });
  const { seq, hash, iat } = payload as { seq?: unknown; hash?: unknown; iat: number };
  if (typeof seq !== 'string' || !/^[1-9]\d{0,17}$/.test(seq) || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new Error('the checkpoint does not name an entry');
  }
  return { seq: BigInt(seq), hash, kid, at: new Date(iat * 1000) };
}

/** Parses a file of checkpoints: one JSON object per line, a single JSON object, or an array of them. */
export function parseCheckpoints(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // Not one JSON value: JSON lines.
  }
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}
