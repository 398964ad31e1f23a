import type http from 'node:http';
import { ErrorCode } from '../shared/errors.js';
import type { SigningKeys } from './signing-keys.js';
import type { ThrottleRefusal, TokenThrottle } from './token-throttle.js';
import { InvalidScopeError, type TokenService } from './token.service.js';
import { isClientId } from './client.repository.js';

const MAX_BODY_BYTES = 16_384;

// Other parameters are ignored, as RFC 6749 allows.
const PARAMETERS_USED = ['grant_type', 'client_id', 'client_secret', 'scope'];

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/** A request the token endpoint cannot take, answered as RFC 6749 §5.2 says. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: OAuthErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** A refused token request as the audit records it: why, and the client id it named when that has a client id's shape. */
export interface TokenRequestFailure {
  reason: string;
  clientId?: string;
}

/** The same answer for every failed client authentication, so it tells an attacker nothing. */
const invalidClient = () => new OAuthError(401, 'invalid_client', 'client authentication failed');

/**
 * `POST /oauth/token`: the client credentials grant (RFC 6749 §4.4). The
 * parameters come as a form or as JSON; the client authenticates with
 * `client_id` and `client_secret` in them or with HTTP Basic, not both.
 * With a `throttle`, requests are limited per address and failures per
 * client id, and hashing is bounded (token-throttle.ts): 429 with Retry-After,
 * told to `onThrottled` (which tallies them) instead of `onFailure`.
 * `scope` (RFC 6749 §3.3) narrows the token to some of the client's purposes;
 * one the client was not granted is 400 `invalid_scope`, after authentication.
 */
export async function handleTokenRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  tokens: TokenService,
  onFailure: (failure: TokenRequestFailure) => Promise<void> = async () => {},
  throttle?: TokenThrottle,
  onThrottled: (failure: TokenRequestFailure) => void = () => {},
  tarpit?: { hold(retryAfterSeconds: number): Promise<void> },
): Promise<void> {
  let claimedClientId: string | undefined;
  try {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new OAuthError(405, 'invalid_request', 'the token endpoint accepts POST only');
    }
    if (throttle) {
      // A full hashing line refuses at once, before any statement: the cheapest refusal comes first.
      if (throttle.full()) {
        for (const [name, value] of Object.entries(busyHeaders(throttle))) res.setHeader(name, value);
        throw tooMany({ retryAfter: 1, reason: 'the token endpoint is busy' });
      }
      // Every other request counts against its address before anything is read or hashed.
      const { headers, refusal } = await throttle.admitAddress(req.socket.remoteAddress ?? 'unknown');
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      if (refusal) throw tooMany(refusal);
    }
    const parameters = await readParameters(req);
    const grantType = parameters.get('grant_type');
    if (grantType === undefined) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', 'only the client_credentials grant is supported');
    }
    const { clientId, clientSecret } = clientCredentials(req.headers.authorization, parameters);
    if (isClientId(clientId)) claimedClientId = clientId.toLowerCase();
    const scope = parameters.get('scope');
    const issue = () => tokens.issue(clientId, clientSecret, scope).catch(scopeRefused);
    let issued;
    if (throttle) {
      // A locked client id is refused unhashed, the right secret included: guessing it further gets nowhere.
      const locked = await throttle.locked(clientId);
      if (locked) throw tooMany(locked);
      const answer = await throttle.hashing(issue);
      if (answer === null) throw tooMany({ retryAfter: 1, reason: 'the token endpoint is busy' });
      issued = answer;
      if (!issued) await throttle.failed(clientId);
    } else {
      issued = await issue();
    }
    if (!issued) throw invalidClient();
    sendJson(res, 200, issued);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    const failure = { reason: `${error.code}: ${error.message}`, ...(claimedClientId && { clientId: claimedClientId }) };
    // A throttled request is tallied, not audited one by one: a flood must not turn into a flood of audit appends (they share one lock).
    if (error.status === 429) {
      onThrottled(failure);
      // Held a moment (tarpit.ts): a flood that ignores Retry-After waits anyway.
      await tarpit?.hold(error.retryAfter ?? 1);
    } else await onFailure(failure);
    // A client that tried HTTP authentication is told how it may (RFC 6749 §5.2). Not one that sent its
    // credentials in the body: a browser would answer the challenge with its own password dialog (the console).
    if (error.status === 401 && req.headers.authorization !== undefined)
      res.setHeader('WWW-Authenticate', 'Basic realm="medical-assistance-hub", charset="UTF-8"');
    if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
    sendJson(res, error.status, {
      error: error.code,
      error_description: error.message,
      ...(error.status === 429 ? { code: ErrorCode.RATE_LIMITED } : {}),
    });
  }
}

/** An authenticated client's scope it was not granted, as RFC 6749 §5.2 answers it. */
function scopeRefused(error: unknown): never {
  if (error instanceof InvalidScopeError) throw new OAuthError(400, 'invalid_scope', error.message);
  throw error;
}

/** The RateLimit headers of a busy refusal: the address's policy, nothing left for the next second. */
function busyHeaders(throttle: TokenThrottle): Record<string, string> {
  const { requests, windowSeconds } = throttle.addressPolicy;
  return { 'RateLimit-Policy': `"token";q=${requests};w=${windowSeconds}`, RateLimit: '"token";r=0;t=1' };
}

/** 429 with Retry-After (RFC 6585); the OAuth error stays one RFC 6749 knows. */
function tooMany(refusal: ThrottleRefusal): OAuthError {
  return new OAuthError(429, 'invalid_request', `${refusal.reason}: retry after ${refusal.retryAfter} s`, refusal.retryAfter);
}

/** `GET /.well-known/jwks.json`: the public keys that verify the hub's tokens, the current one and those still needed. */
export function handleJwks(res: http.ServerResponse, keys: SigningKeys): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // Short, so that relying parties see a new key soon; they refetch anyway on an unknown kid.
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.end(JSON.stringify(keys.jwks()));
}

function clientCredentials(authorization: string | undefined, parameters: Map<string, string>): { clientId: string; clientSecret: string } {
  const inBody = parameters.has('client_id') || parameters.has('client_secret');
  if (authorization !== undefined) {
    if (inBody) throw new OAuthError(400, 'invalid_request', 'authenticate the client with HTTP Basic or with body parameters, not both');
    return basicCredentials(authorization);
  }
  const clientId = parameters.get('client_id');
  const clientSecret = parameters.get('client_secret');
  if (!clientId || !clientSecret) throw invalidClient();
  return { clientId, clientSecret };
}

/** HTTP Basic as RFC 6749 §2.3.1 has it: id and secret form-encoded, then joined by ':' and base64-encoded. */
function basicCredentials(authorization: string): { clientId: string; clientSecret: string } {
  const encoded = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(authorization)?.[1];
  if (!encoded) throw invalidClient();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient();
  let credentials: string[];
  try {
    credentials = [decoded.slice(0, colon), decoded.slice(colon + 1)].map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
  } catch {
    throw invalidClient();
  }
  const [clientId, clientSecret] = credentials as [string, string];
  if (!clientId || !clientSecret) throw invalidClient();
  return { clientId, clientSecret };
}

async function readParameters(req: http.IncomingMessage): Promise<Map<string, string>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
    throw new OAuthError(400, 'invalid_request', 'send the parameters as application/x-www-form-urlencoded or application/json');
  }
  const body = await readBody(req);
  return type === 'application/json' ? jsonParameters(body) : formParameters(body);
}

function formParameters(body: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    // RFC 6749 §3.2: parameters must not be repeated; which one would count is ambiguous.
    if (parameters.has(name)) throw new OAuthError(400, 'invalid_request', `parameter ${name} is repeated`);
    parameters.set(name, value);
  }
  return parameters;
}

function jsonParameters(body: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new OAuthError(400, 'invalid_request', 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OAuthError(400, 'invalid_request', 'the body must be a JSON object');
  }
  const parameters = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    // JSON's null is a parameter not given, as a form leaves it out (`"scope": null` asks for no narrowing).
    if (value === null) continue;
    if (typeof value === 'string') parameters.set(name, value);
    else if (PARAMETERS_USED.includes(name)) throw new OAuthError(400, 'invalid_request', `parameter ${name} must be a string`);
  }
  return parameters;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OAuthError(400, 'invalid_request', `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // Tokens and errors about credentials are never to be cached (RFC 6749 §5.1).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.end(JSON.stringify(payload));
}
