import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { AGENCIES } from '../auth/access-policy.js';
import { agencyView } from '../auth/schema-views.js';
import type { Agency } from '../generated/prisma/enums.js';
import { CONSOLE_PATHS, isConsolePath, serveConsole, wantsConsole } from './console.js';
import { isDashboardPath, serveDashboard } from './dashboard.js';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GATEWAY_PROOF_HEADER, type GatewayProof } from '../federation/gateway-proof.js';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type pg from 'pg';
import { handleJwks, handleTokenRequest } from '../auth/oauth.http.js';
import type { SigningKeys } from '../auth/signing-keys.js';
import type { TokenService } from '../auth/token.service.js';
import { ErrorCode, errorBody } from '../shared/errors.js';
import { log } from '../shared/log.js';
import { collectProcessMetrics, httpRequests, registry, setOutboxDepthSource } from '../shared/metrics.js';
import { requestIdFrom, runInRequest, currentRequest } from '../shared/request-scope.js';

import { AccessGuard, type Caller, type OperationRequest } from './access-guard.js';
import type { ImportFormat } from '../modules/import/import.reader.js';
import { importRefusal, IMPORT_KINDS, isImportKind } from '../modules/import/import.service.js';
import { isUuid } from '../shared/validate.js';
import type { RateCounterRepository } from '../auth/rate-counter.repository.js';
import { TokenThrottle } from '../auth/token-throttle.js';
import type { HubContext, Repositories } from './context.js';
import { accessPlugin } from './access.plugin.js';
import { formatError } from './errors.js';
import { metricsPlugin, recordOperation } from './metrics.plugin.js';
import { operationLabel } from '../shared/metrics.js';
import { pendingMigrations } from './migrate.js';
import type { PubSub } from './pubsub.js';
import { attachSubscriptions } from './subscriptions.js';
import { Tarpit } from './tarpit.js';
import { recordSecurityEvent, SecurityEventKind, type SecurityEvent } from '../modules/audit/audit.events.js';
import { SecurityTally } from '../modules/audit/security-tally.js';

/** What the HTTP server needs from the rest of the process. */
export interface HttpDeps {
  schema: GraphQLSchema;
  repositories: Repositories;
  pool: pg.Pool;
  tokens: TokenService;
  keys: SigningKeys;
  /**
   * The PubSub the schema was built with (`buildHubSchema(pubSub)`): when
   * given, `/graphql` also serves subscriptions over WebSocket (graphql-ws).
   */
  pubSub?: PubSub;
  /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>` (HUB_METRICS_TOKEN). */
  metricsToken?: string | undefined;
  /** Browser origins allowed to call the hub (HUB_CORS_ORIGINS); others get no CORS headers. */
  corsOrigins?: readonly string[];
  /**
   * The counters of rate limits and quotas (on a pool of their own): with
   * them, every client's requests are limited; without, nothing is (tools).
   */
  counters?: RateCounterRepository;
  /** The largest file `POST /imports/{kind}` accepts, in bytes (default {@link MAX_IMPORT_BYTES}). */
  maxImportBytes?: number;
  /**
   * Milliseconds a 429 answer, or a QUERY_TOO_COMPLEX refusal, is held before
   * it is sent (HUB_REFUSAL_DELAY_MS; default 0 here, 1 000 in `hub start`): a
   * flood that does not wait for its Retry-After is slowed to one request per
   * connection and delay (tarpit.ts).
   */
  refusalDelayMs?: number;
  /** The window of the tallies of refusals that come in floods, in seconds (default 60; security-tally.ts). */
  tallySeconds?: number;
  /**
   * When set, this server is a subgraph of the federated deployment: every
   * path but the health checks, the token endpoint, the JWKS and the metrics
   * answers only requests carrying this gateway's proof (gateway-proof.ts),
   * whose operation id is then the request's id.
   */
  gatewayProof?: GatewayProof;
}

/** A running HTTP server. */
export interface HubHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;
/** The largest import file sent over HTTP: about 500 000 certification rows; larger files go in parts, or by `hub import`. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * Serves `/graphql` (and the console), `/dashboard`, `/oauth/token`, `/.well-known/jwks.json`, `/healthz` and
 * `/readyz` on Node's own HTTP server; Apollo
 * executes GraphQL through its framework-neutral `executeHTTPGraphQLRequest`.
 * With `deps.pubSub`, the WebSocket upgrade of `/graphql` serves subscriptions.
 */
export async function startHttpServer(deps: HttpDeps, port: number, host = '0.0.0.0'): Promise<HubHttpServer> {
  // One Apollo server per agency view: each agency's schema is its contract (over WebSocket too).
  const views = new Map(AGENCIES.map((agency) => [agency, agencyView(deps.schema, agency)]));
  const guard = new AccessGuard({
    tokens: deps.tokens,
    views,
    repositories: deps.repositories,
    counters: deps.counters,
    tallySeconds: deps.tallySeconds,
  });
  const throttle = deps.counters && new TokenThrottle(deps.counters);
  const tarpit = new Tarpit(deps.refusalDelayMs ?? 0);
  // Throttled token requests (429) are audited as tallies per client id or address and minute (security-tally.ts).
  const tokenRefusals = new SecurityTally({
    windowSeconds: deps.tallySeconds,
    write: async (event) => {
      const client = event.clientId ? await deps.tokens.describeClient(event.clientId) : undefined;
      await securityEvent({ ...event, ...client });
    },
  });
  const apollos = new Map<Agency, ApolloServer<HubContext>>();
  for (const [agency, schema] of views) {
    const apollo = new ApolloServer<HubContext>({
      schema,
      formatError,
      includeStacktraceInErrorResponses: false,
      introspection: true,
      // No landing page: Apollo's loads its Sandbox from a CDN; browsers get the hub's own console (console.ts).
      // No cacheControl: nothing here is cacheable (answers say `Cache-Control: no-store` below), and its hook on every
      // resolved field is what makes Apollo wrap every resolver of the schema.
      // No inline traces: Apollo adds them to a federated schema for a gateway that asks (ftv1), and they would time every resolver.
      plugins: [
        accessPlugin(guard),
        metricsPlugin,
        ApolloServerPluginLandingPageDisabled(),
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginInlineTraceDisabled(),
      ],
      // Documents are the guard's to admit: no automatic persisted queries, which would run a hash the guard never measured.
      persistedQueries: false,
      // The process stops the servers itself, once, on SIGINT or SIGTERM.
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    apollos.set(agency, apollo);
  }

  collectProcessMetrics();
  const depth = () => outboxDepth(deps.pool);
  setOutboxDepthSource(depth);

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    runInRequest(requestId, () => {
      const scope = currentRequest()!;
      res.once('finish', () => {
        const route = routeOf(req.url);
        httpRequests.inc({ route, method: methodOf(req.method), status: String(res.statusCode) });
        recordOperation(scope, started);
        // The access log: the route, never the query string (a GET's variables could hold personal data).
        log.info('request', {
          requestId,
          method: methodOf(req.method),
          route,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          operation: scope.operation?.name,
          agency: scope.operation?.agency,
          outcome: scope.operation?.outcome,
          statements: scope.statements,
        });
      });
      handle(req, res).catch((error: unknown) => {
        log.warn(`request failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, errorBody('Internal server error', ErrorCode.INTERNAL_SERVER_ERROR));
        else res.end();
      });
    });
  });

  /** Records a security event; a refusal is answered even when its entry cannot be written (and that is logged). */
  async function securityEvent(event: SecurityEvent): Promise<void> {
    try {
      await recordSecurityEvent(deps.repositories.audit, event);
    } catch (error) {
      log.warn(`security event ${event.kind} not audited: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // CORS before authentication: a preflight carries no token, and is answered for listed origins only.
    if (applyCors(req, res, deps.corsOrigins ?? [])) return;
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') return sendReadiness(res, deps.pool);
    if (url.pathname === '/oauth/token') {
      return handleTokenRequest(
        req,
        res,
        deps.tokens,
        async ({ reason, clientId }) => {
          const client = clientId ? await deps.tokens.describeClient(clientId) : undefined;
          await securityEvent({
            kind: SecurityEventKind.TOKEN_REQUEST_FAILED,
            reason,
            clientId,
            ...client,
            address: req.socket.remoteAddress,
          });
        },
        throttle,
        (refused) =>
          void tokenRefusals.note({ kind: SecurityEventKind.TOKEN_REQUEST_FAILED, ...refused, address: req.socket.remoteAddress }),
        tarpit,
      );
    }
    if (url.pathname === '/.well-known/jwks.json' && req.method === 'GET') return handleJwks(res, deps.keys);
    if (url.pathname === '/metrics' && req.method === 'GET') return sendMetrics(req, res, deps.metricsToken);
    // A subgraph serves the gateway only: a client calling it directly is refused before anything else.
    if (deps.gatewayProof) {
      const proof = deps.gatewayProof.verify(header(req, GATEWAY_PROOF_HEADER), req.headers.authorization);
      if (!proof || proof.operationId !== currentRequest()?.requestId) {
        return sendJson(res, 403, errorBody('this is a subgraph of the hub: send requests to its gateway', ErrorCode.FORBIDDEN));
      }
    }
    // The console (a page and its assets, no data) is served to anyone: signing in happens in the page.
    if ((url.pathname === '/graphql' && wantsConsole(req, url)) || isConsolePath(url.pathname)) {
      if (req.method === 'GET' && (await serveConsole(req, res, url.pathname))) return;
    }
    // The dashboard likewise: a page and its assets; its data comes from /graphql with the token it signs in for.
    if (isDashboardPath(url.pathname) && req.method === 'GET' && (await serveDashboard(res, url.pathname))) return;
    const importPath = /^\/imports\/([^/]+)$/.exec(url.pathname);
    if (url.pathname !== '/graphql' && !importPath) return sendJson(res, 404, { error: 'not found' });

    // The access guard, step by step (access-guard.ts).
    // One request, one operation: the client check counts it against the rate limit in the same statement.
    const caller = await guard.identify(req.headers.authorization, req.socket.remoteAddress, { count: true });
    if ('failure' in caller) {
      const challenge = bearerChallenge(caller.failure.reason, req.headers.authorization);
      res.setHeader('WWW-Authenticate', challenge.header);
      return sendJson(res, 401, errorBody(challenge.message, ErrorCode.UNAUTHENTICATED));
    }
    if (importPath) return handleImport(req, res, caller, decodeURIComponent(importPath[1]!));
    if (req.method !== 'POST' && req.method !== 'GET') {
      res.setHeader('Allow', 'GET, POST');
      return sendJson(res, 405, errorBody('send GraphQL requests with POST (or GET for queries)', ErrorCode.BAD_REQUEST));
    }
    const request = req.method === 'POST' ? await readJsonBody(req) : searchRequest(url.searchParams);
    if (request instanceof Error) {
      return sendJson(res, 400, errorBody(request.message, ErrorCode.BAD_REQUEST));
    }
    const purpose = header(req, 'x-purpose');
    const admission = await guard.admit(caller, purpose, request, req.method === 'GET' ? 'http-get' : 'http');
    if (!('schema' in admission)) {
      // Counted as the client's mistake, as Apollo's own refusals are (metrics.plugin.ts).
      const scope = currentRequest();
      if (scope) scope.operation = { name: operationLabel(declaredName(request)), agency: caller.principal.agency, outcome: 'rejected' };
      for (const [key, value] of Object.entries(admission.headers)) res.setHeader(key, value);
      if (admission.status === 429) {
        const retryAfter = Number(admission.error.extensions.retryAfter);
        res.setHeader('Retry-After', String(retryAfter));
        await tarpit.hold(retryAfter);
      } else if (admission.error.extensions.code === ErrorCode.QUERY_TOO_COMPLEX) {
        // A query over the client's limits is held too: a loop of heavy queries cannot spin within the rate limit.
        await tarpit.hold(Infinity);
      }
      return sendJson(res, admission.status, { errors: [formatRefusal(admission.error)] });
    }
    for (const [key, value] of Object.entries(admission.headers)) res.setHeader(key, value);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // Apollo executes the document the guard admitted (a trusted document's text when sent by id), always as a POST.
    headers.set('content-type', 'application/json');
    const body = { query: admission.source, operationName: admission.operationName, variables: admission.variables };
    try {
      const response = await apollos.get(caller.principal.agency)!.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: '', body },
        context: async () => guard.context(admission),
      });
      // Personal data must not be kept by a browser or proxy cache (Apollo's cacheControl plugin said so before it was disabled).
      res.setHeader('Cache-Control', 'no-store');
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } finally {
      admission.release();
    }
  }

  /**
   * `POST /imports/{kind}` (the file as the body: text/csv or application/x-ndjson) → 202 and the import's id;
   * `GET /imports/{id}` → its status, counts and refused rows, for the client that sent it only (404 for others).
   */
  async function handleImport(req: http.IncomingMessage, res: http.ServerResponse, caller: Caller, segment: string): Promise<void> {
    const admitted = await guard.admitRequest(caller);
    for (const [key, value] of Object.entries(admitted.headers)) res.setHeader(key, value);
    if ('error' in admitted) {
      res.setHeader('Retry-After', String(admitted.error.extensions.retryAfter));
      return sendJson(res, admitted.status, { errors: [formatRefusal(admitted.error)] });
    }
    const { principal } = caller;
    const importJobs = deps.repositories.importJobs;
    if (req.method === 'GET') {
      const job = isUuid(segment) ? await importJobs.read(segment.toLowerCase(), principal.clientId) : null;
      if (!job) return sendJson(res, 404, errorBody('no import with this id', ErrorCode.NOT_FOUND));
      return sendJson(res, 200, job);
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return sendJson(res, 405, errorBody('POST /imports/{kind} sends a file, GET /imports/{id} reads its report', ErrorCode.BAD_REQUEST));
    }
    if (!isImportKind(segment)) {
      return sendJson(res, 404, errorBody(`no kind of import ${JSON.stringify(segment)}: ${IMPORT_KINDS.join(', ')}`, ErrorCode.NOT_FOUND));
    }
    const refusal = importRefusal(segment, principal);
    if (refusal) return sendJson(res, 403, errorBody(refusal, ErrorCode.FORBIDDEN));
    const format = importFormat(req.headers['content-type']);
    if (!format) {
      return sendJson(res, 415, errorBody('send the file as text/csv or application/x-ndjson', ErrorCode.BAD_REQUEST));
    }
    const limit = deps.maxImportBytes ?? MAX_IMPORT_BYTES;
    const content = await readBody(req, limit);
    if (!content) {
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, errorBody(`the file exceeds ${limit} bytes: send it in parts`, ErrorCode.BAD_REQUEST, { maxBytes: limit }));
    }
    const queue = deps.repositories.queue;
    if (!queue) return sendJson(res, 503, errorBody('this hub runs no job queue', ErrorCode.INTERNAL_SERVER_ERROR));
    const id = await importJobs.submit(principal, segment, format, content, (tx, importId) => queue.enqueueImport(tx, importId));
    res.setHeader('Location', `/imports/${id}`);
    return sendJson(res, 202, { id, status: 'QUEUED' });
  }

  const subscriptions = deps.pubSub ? attachSubscriptions(server, { guard, repositories: deps.repositories, tarpit }) : null;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = (server.address() as { port: number }).port;
  return {
    port: actualPort,
    url: `http://localhost:${actualPort}/graphql`,
    async close() {
      setOutboxDepthSource(null, depth);
      // Upgraded sockets are no longer the HTTP server's: neither closeIdleConnections nor close() ends them.
      await subscriptions?.dispose();
      tarpit.releaseAll();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The refusals tallied in the window that did not end: written, not lost.
      await Promise.all([tokenRefusals.close(), guard.close()]);
      await Promise.all([...apollos.values()].map((apollo) => apollo.stop()));
    },
  };
}

const ROUTES = new Set([
  '/graphql',
  ...Object.values(CONSOLE_PATHS),
  '/dashboard',
  '/dashboard/dashboard.js',
  '/dashboard/dashboard.css',
  '/dashboard/echarts.min.js',
  '/oauth/token',
  '/.well-known/jwks.json',
  '/healthz',
  '/readyz',
  '/metrics',
]);

/** The route label of a request: one of the hub's paths, or `other` (paths are client-chosen, labels must stay few). */
function routeOf(url: string | undefined): string {
  const pathname = new URL(url ?? '/', 'http://localhost').pathname;
  if (pathname.startsWith('/imports/')) return '/imports/{kind|id}';
  if (pathname.startsWith('/console/assets/')) return '/console/assets/{file}';
  return ROUTES.has(pathname) ? pathname : 'other';
}

function methodOf(method: string | undefined): string {
  return ['GET', 'POST', 'OPTIONS', 'HEAD'].includes(method ?? '') ? method! : 'other';
}

async function outboxDepth(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ depth: number }>('SELECT count(*)::int AS depth FROM graphile_worker.jobs');
  return rows[0]?.depth ?? 0;
}

/** Prometheus' text format; behind a bearer token when one is configured (compared in constant time). */
async function sendMetrics(req: http.IncomingMessage, res: http.ServerResponse, token: string | undefined): Promise<void> {
  if (token !== undefined) {
    const expected = Buffer.from(`Bearer ${token}`);
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendJson(res, 401, errorBody('authentication required', ErrorCode.UNAUTHENTICATED));
    }
  }
  const text = await registry.metrics();
  res.statusCode = 200;
  res.setHeader('content-type', registry.contentType);
  res.end(text);
}

const CORS_HEADERS = 'authorization, content-type, x-purpose, x-request-id';

/**
 * Sets the CORS headers for a listed origin; answers a preflight (OPTIONS
 * with Access-Control-Request-Method) itself, with 204 for a listed origin
 * and 403 otherwise. Returns true when the request is answered.
 */
function applyCors(req: http.IncomingMessage, res: http.ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && origins.includes(origin);
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'x-request-id, www-authenticate, retry-after');
  }
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  res.statusCode = allowed ? 204 : 403;
  if (allowed) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.end();
  return true;
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}

async function sendReadiness(res: http.ServerResponse, pool: pg.Pool): Promise<void> {
  try {
    const pending = await pendingMigrations(pool);
    if (pending.length > 0) return sendJson(res, 503, { status: 'migrations pending', pending });
    return sendJson(res, 200, { status: 'ready' });
  } catch {
    return sendJson(res, 503, { status: 'database unreachable' });
  }
}

/** The operation's name as the request gives it (operationName, or the first one its text declares): for metrics only. */
function declaredName(request: OperationRequest): string | null {
  if (typeof request.operationName === 'string') return request.operationName;
  const text = typeof request.query === 'string' ? request.query.slice(0, 2_000) : '';
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(text)?.[1] ?? null;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A refusal as the one place where errors leave the server formats it; its `http` hint is the status, not content. */
function formatRefusal(error: GraphQLError): GraphQLFormattedError {
  const json = error.toJSON();
  const { http: _http, ...extensions } = json.extensions ?? {};
  return formatError({ ...json, extensions }, error);
}

/** The request parameters of a GET (GraphQL over HTTP §6.1): query or documentId, operationName, variables as JSON. */
function searchRequest(search: URLSearchParams): OperationRequest | Error {
  const variables = search.get('variables');
  let parsed: unknown;
  try {
    parsed = variables === null ? undefined : JSON.parse(variables);
  } catch {
    return new Error('variables is not valid JSON');
  }
  return {
    query: search.get('query'),
    documentId: search.get('documentId'),
    operationName: search.get('operationName'),
    variables: parsed,
  };
}

/** The import format a content type names, or null. */
function importFormat(contentType: string | undefined): ImportFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/json') return 'ndjson';
  return null;
}

/** The whole body, or null as soon as it exceeds `limit` bytes (a declared Content-Length over it is refused unread). */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function readJsonBody(req: http.IncomingMessage): Promise<OperationRequest | Error> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return new Error(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Error('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Error('request body must be a JSON object');
  return parsed as OperationRequest;
}

/** The realm of the hub's bearer challenges. */
const REALM = 'medical-assistance-hub';

/**
 * The RFC 6750 §3 challenge for a request without a caller. A request with no
 * bearer token (no Authorization, or another scheme) gets the bare challenge
 * (no error, §3.1); a bearer token that does not
 * hold gets `invalid_token` with a description the client can act on: an
 * expired or revoked one should be replaced by a new one, any other never
 * worked. The descriptions say no more than the token's holder knows.
 */
export function bearerChallenge(reason: string, authorization: string | undefined): { header: string; message: string } {
  if (!authorization || !/^Bearer\s/i.test(authorization)) {
    return { header: `Bearer realm="${REALM}"`, message: 'authentication required' };
  }
  const description =
    reason === 'expired token' ? 'the token expired' : reason === 'token revoked' ? 'the token was revoked' : 'the token is not valid';
  return {
    header: `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
    message: description,
  };
}
