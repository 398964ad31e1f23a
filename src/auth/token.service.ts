import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Agency, type Purpose } from '../generated/prisma/enums.js';
import { AGENCY_PURPOSES } from './access-policy.js';
import { limitsOf, type ClientLimits } from './limits-policy.js';
import { isClientId, type ClientRepository, type CounterHit } from './client.repository.js';
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

/** Why a bearer token was refused, and its client when the token's signature held. */
export interface AuthenticationFailure {
  reason: string;
  clientId?: string;
  agency?: Agency;
  jurisdiction?: string;
}

/** The answer of the token endpoint (RFC 6749 §5.1). */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** The purposes the token carries, space-separated (RFC 6749 §3.3); absent when it carries none (a hub administrator's). */
  scope?: string;
}

/**
 * A token request whose `scope` is malformed or names a purpose the client was
 * not granted: RFC 6749 §5.2's `invalid_scope`. Raised only after the client
 * authenticated, so it tells nothing to one that did not.
 */
export class InvalidScopeError extends Error {}

// RFC 6749 §3.3: scope-tokens of NQCHAR (%x21 / %x23-5B / %x5D-7E), separated by single spaces.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * The purposes a token asked for with `scope` carries: those named, in the
 * order of the client's record. Without a scope, all the client's purposes.
 * A partner system can so hand each of its parts a token for one purpose.
 */
export function scopedPurposes(granted: readonly Purpose[], scope: string | undefined): Purpose[] {
  if (scope === undefined) return [...granted];
  if (!SCOPE.test(scope)) throw new InvalidScopeError('scope must be purposes separated by single spaces');
  const asked = new Set(scope.split(' '));
  const outside = [...asked].filter((purpose) => !(granted as readonly string[]).includes(purpose));
  if (outside.length > 0) {
    throw new InvalidScopeError(
      `scope asks for ${outside.join(', ')}, not granted to this client (granted: ${granted.join(' ') || 'none'})`,
    );
  }
  return granted.filter((purpose) => asked.has(purpose));
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
   * client), so the caller cannot tell which. With `scope` (RFC 6749 §3.3,
   * space-separated purposes) the token carries only those purposes;
   * {@link InvalidScopeError} when it names one the client was not granted.
   */
  async issue(clientId: string, clientSecret: string, scope?: string): Promise<IssuedToken | undefined> {
    const now = this.clock();
    const client = await this.clients.findWithValidSecrets(clientId, now);
    const hashes = client?.status === 'ACTIVE' ? client.secrets.map((s) => s.hash) : [];
    // The hash is computed even without a client, so the time taken does not tell which clients exist.
    const verified = await verifySecret(clientSecret, hashes);
    if (!client || !verified) return undefined;
    const purposes = scopedPurposes(client.purposes, scope);
    const issuedAt = Math.floor(now.getTime() / 1000);
    const { kid, key } = this.keys.signingKey;
    const token = await new SignJWT({ agency: client.agency, jurisdiction: client.jurisdiction, purposes })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: TOKEN_TYPE })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(client.id)
      .setJti(newTokenId(client.id))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(key);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.ttlSeconds,
      ...(purposes.length > 0 && { scope: purposes.join(' ') }),
    };
  }

  /** The agency and jurisdiction of a registered client (for the audit of a refused token request); undefined for any other id. */
  async describeClient(clientId: string): Promise<{ agency: Agency; jurisdiction: string } | undefined> {
    const client = await this.clients.findById(clientId);
    return client ? { agency: client.agency, jurisdiction: client.jurisdiction } : undefined;
  }

  /** The principal of an `Authorization: Bearer` header, or undefined when `check` finds it wanting. */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    const result = await this.check(authorization);
    return 'principal' in result ? result.principal : undefined;
  }

  /** As {@link authenticate}, with the client's limits (its agency's, under its own overrides), read by the same statement. */
  async authenticateWithLimits(authorization: string | undefined): Promise<{ principal: Principal; limits: ClientLimits } | undefined> {
    const result = await this.check(authorization);
    return 'principal' in result ? result : undefined;
  }

  /**
   * The principal of an `Authorization: Bearer` header, or why there is none:
   * the token is missing, malformed, not signed by a published key of ours
   * with ES256, of another issuer or audience, expired, revoked, its client is
   * disabled, or its claims (agency, jurisdiction, purposes) are not the
   * client's record as it stands. The record is read on every call, so a
   * change takes effect on the next request; the principal's agency and
   * jurisdiction come from it, and its purposes are the token's (which may be
   * fewer than the client's, when the token was asked for a narrower scope).
   * The failure names the client only when the token's signature held.
   */
  async check(
    authorization: string | undefined,
    meter?: (claimed: Principal) => CounterHit | null,
  ): Promise<{ principal: Principal; limits: ClientLimits; hits?: number | null } | { failure: AuthenticationFailure }> {
    if (!authorization) return { failure: { reason: 'no bearer token' } };
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return { failure: { reason: 'malformed bearer token' } };
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
      if (error instanceof errors.JWTExpired) return { failure: { reason: 'expired token' } };
      if (error instanceof errors.JOSEError) return { failure: { reason: 'token not signed by the hub or not for this API' } };
      throw error;
    }
    const claimed = principalOf(payload);
    if (!claimed) return { failure: { reason: 'token claims malformed' } };
    // With `meter`, the request is counted in the statement that reads the record (when the client is active and the token not revoked).
    const hit = meter?.(claimed) ?? null;
    const record = hit
      ? await this.clients.tokenClientCounting(claimed.clientId, claimed.jti, hit)
      : await this.clients.tokenClient(claimed.clientId, claimed.jti);
    const client = { clientId: claimed.clientId };
    if (!record) return { failure: { reason: 'unknown client', ...client } };
    const known = { ...client, agency: record.agency, jurisdiction: record.jurisdiction };
    if (!record.active) return { failure: { reason: 'client disabled', ...known } };
    if (record.revoked) return { failure: { reason: 'token revoked', ...known } };
    if (
      claimed.agency !== record.agency ||
      claimed.jurisdiction !== record.jurisdiction ||
      !claimed.purposes.every((purpose) => record.purposes.includes(purpose))
    ) {
      return { failure: { reason: "token claims differ from the client's record", ...known } };
    }
    return {
      principal: { ...claimed, agency: record.agency, jurisdiction: record.jurisdiction },
      limits: limitsOf(record.agency, record.limits),
      ...(hit && { hits: (record as { hits?: number | null }).hits ?? null }),
    };
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
