import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Agency, type Purpose } from '../generated/prisma/enums.js';
import { AGENCY_PURPOSES } from './access-policy.js';
import { isClientId, type ClientRepository } from './client.repository.js';
import type { Principal } from './principal.js';
import { verifySecret } from './secret-hash.js';
import { MAX_TOKEN_TTL_SECONDS, SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.js';

/** The `iss` of the hub's tokens. */
export const TOKEN_ISSUER = 'medical-assistance-hub';

/** The `aud` of the hub's tokens: its GraphQL API. */
export const TOKEN_AUDIENCE = 'medical-assistance-hub/graphql';

/** Token lifetime unless configured: 15 minutes. */
export const DEFAULT_TOKEN_TTL_SECONDS = 900;

// RFC 9068 access-token type: a token of another kind signed by the same key is not taken for one.
const TOKEN_TYPE = 'at+jwt';

// Three base64url segments, within a size no token of ours comes near.
const BEARER = /^Bearer +([A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{0,1024})$/i;

/** The answer of the token endpoint (RFC 6749 §5.1). */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** The tokens' settings; the clock is for tests. */
export interface TokenOptions {
  /** Lifetime of issued tokens in seconds, 1 to 3600; 900 when omitted. */
  ttlSeconds?: number;
  clock?: () => Date;
}

/**
 * A token id names its client (`<client id>.<128 random bits>`), so that an
 * administrator can revoke it knowing only the id, as the audit log shows it.
 */
function newTokenId(clientId: string): string {
  return `${clientId}.${randomBytes(16).toString('base64url')}`;
}

/** The client of a token id issued by this hub, or undefined when it is not one. */
export function clientIdOfTokenId(jti: string): string | undefined {
  const match = /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{22}$/.exec(jti);
  return match && isClientId(match[1]!) ? match[1] : undefined;
}

/**
 * Issues signed access tokens for client credentials, and turns a bearer
 * token back into the caller's principal.
 */
export class TokenService {
  private readonly ttlSeconds: number;
  private readonly clock: () => Date;

  constructor(
    private readonly clients: ClientRepository,
    private readonly keys: SigningKeys,
    options: TokenOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 1 || this.ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw new RangeError(`the token lifetime must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
    }
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * A token for valid client credentials; undefined when they are not valid,
   * whatever the reason (unknown client, wrong or expired secret, disabled
   * client), so the caller cannot tell which.
   */
  async issue(clientId: string, clientSecret: string): Promise<IssuedToken | undefined> {
    const now = this.clock();
    const client = await this.clients.findWithValidSecrets(clientId, now);
    const hashes = client?.status === 'ACTIVE' ? client.secrets.map((s) => s.hash) : [];
    // The hash is computed even without a client, so the time taken does not tell which clients exist.
    const verified = await verifySecret(clientSecret, hashes);
    if (!client || !verified) return undefined;
    const issuedAt = Math.floor(now.getTime() / 1000);
    const { kid, key } = this.keys.signingKey;
    const token = await new SignJWT({ agency: client.agency, jurisdiction: client.jurisdiction, purposes: client.purposes })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: TOKEN_TYPE })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(client.id)
      .setJti(newTokenId(client.id))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(key);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  /**
   * The principal of an `Authorization: Bearer` header, or undefined when the
   * token is missing, malformed, not signed by a published key of ours with
   * ES256, of another issuer or audience, expired, revoked, or its client is
   * disabled. The last two are read from the database on every call, so they
   * take effect on the next request.
   */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key = this.keys.publicKey(header.kid);
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          // Only ES256: neither 'none' nor an HMAC keyed with the public key gets through.
          algorithms: [SIGNING_ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          typ: TOKEN_TYPE,
          requiredClaims: ['sub', 'jti', 'iat', 'exp'],
          currentDate: this.clock(),
        },
      ));
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
    const principal = principalOf(payload);
    if (!principal || !(await this.clients.isTokenUsable(principal.clientId, principal.jti))) return undefined;
    return principal;
  }
}

/** The principal of verified claims, checked against the policy once more: a signed token with odd claims is still refused. */
function principalOf(claims: JWTPayload): Principal | undefined {
  const { sub, jti, agency, jurisdiction, purposes } = claims;
  if (typeof sub !== 'string' || typeof jti !== 'string' || clientIdOfTokenId(jti) !== sub) return undefined;
  if (typeof agency !== 'string' || !(Object.values(Agency) as string[]).includes(agency)) return undefined;
  if (typeof jurisdiction !== 'string' || !/^\d{0,6}$/.test(jurisdiction)) return undefined;
  const allowed: readonly string[] = AGENCY_PURPOSES[agency as Agency];
  if (!Array.isArray(purposes) || !purposes.every((p) => allowed.includes(p))) return undefined;
  return { clientId: sub, agency: agency as Agency, jurisdiction, purposes: purposes as Purpose[], jti };
}
