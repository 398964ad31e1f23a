import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header that carries the gateway's proof to a subgraph. */
export const GATEWAY_PROOF_HEADER = 'x-hub-gateway-proof';

/** How long a proof holds: a subgraph refuses one signed longer ago (or further ahead, for clock skew). */
export const PROOF_MAX_AGE_MS = 60_000;

/** The shortest shared secret accepted (HUB_GATEWAY_SECRET): 32 characters. */
export const MIN_SECRET_LENGTH = 32;

const OPERATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What a valid proof says: the operation of the gateway it belongs to. */
export interface VerifiedProof {
  operationId: string;
}

/**
 * The gateway's proof to its subgraphs: `v1.<ms>.<operation id>.<mac>`, the
 * MAC an HMAC-SHA256 under the secret the gateway and its subgraphs share
 * (HUB_GATEWAY_SECRET) over the version, the time, the operation's id and a
 * digest of the client's Authorization header. So a proof is short-lived, names
 * the client operation it was made for (its subgraph requests share one
 * audit entry) and holds only with the token it was made with: a client
 * cannot call a subgraph directly, and a proof seen in transit cannot carry
 * another token.
 */
export class GatewayProof {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the gateway secret must be at least ${MIN_SECRET_LENGTH} characters`);
    this.key = Buffer.from(secret, 'utf8');
  }

  /** A secret for a gateway that starts its own subgraphs, in the same process. */
  static randomSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  /** The proof of one subgraph request of `operationId`, made for the client's `authorization`. */
  sign(operationId: string, authorization: string | undefined, now = Date.now()): string {
    if (!OPERATION_ID.test(operationId)) throw new Error('an operation id is 1–128 characters of A-Z a-z 0-9 . _ : -');
    const time = String(now);
    return `v1.${time}.${operationId}.${this.mac(time, operationId, authorization)}`;
  }

  /** The proof's operation, or null when it is missing, malformed, stale, or not made for this Authorization. */
  verify(proof: string | undefined, authorization: string | undefined, now = Date.now()): VerifiedProof | null {
    if (!proof) return null;
    const parts = proof.split('.');
    if (parts.length < 4 || parts[0] !== 'v1') return null;
    const time = parts[1]!;
    const mac = parts[parts.length - 1]!;
    // The operation id may itself contain dots.
    const operationId = parts.slice(2, -1).join('.');
    if (!/^\d{1,15}$/.test(time) || !OPERATION_ID.test(operationId)) return null;
    if (Math.abs(now - Number(time)) > PROOF_MAX_AGE_MS) return null;
    const expected = Buffer.from(this.mac(time, operationId, authorization));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { operationId };
  }

  private mac(time: string, operationId: string, authorization: string | undefined): string {
    const token = createHash('sha256')
      .update(authorization ?? '')
      .digest('base64url');
    return createHmac('sha256', this.key).update(`v1.${time}.${operationId}.${token}`).digest('base64url');
  }
}
