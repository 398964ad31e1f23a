import { createHash } from 'node:crypto';
import {
  getOperationAST,
  GraphQLError,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Agency, Purpose } from '../generated/prisma/enums.js';
import type { ClientLimits } from '../auth/limits-policy.js';
import { checkMeasures, countTokens, measureOperation } from '../auth/operation-limits.js';
import type { Principal } from '../auth/principal.js';
import { checkPurpose, touchesPersonalData } from '../auth/purpose.js';
import {
  MissedLookupQuota,
  narrowsMaskedIdNumber,
  TargetedGuessBudget,
  type GuessSuspects,
  type QuotaEventSink,
} from '../auth/lookup-quota.js';
import type { RateCounterRepository } from '../auth/rate-counter.repository.js';
import { ClientRateLimiter, type PlannedHit, type RateDecision } from '../auth/rate-limits.js';
import type { AuthenticationFailure, TokenService } from '../auth/token.service.js';
import type { AuditOutcome } from '../modules/audit/audit.chain.js';
import { recordSecurityEvent, SecurityEventKind, withoutValues, type SecurityEvent } from '../modules/audit/audit.events.js';
import { SecurityTally } from '../modules/audit/security-tally.js';
import {
  ErrorCode,
  HubError,
  QueryTooComplexError,
  RateLimitedError,
  TrustedDocumentNotFoundError,
  TrustedDocumentRequiredError,
} from '../shared/errors.js';
import { log } from '../shared/log.js';
import { auditAppendDuration } from '../shared/metrics.js';
import { createContext, type HubContext, type Repositories } from './context.js';
import { badLiteralValue, badVariableValue, DOCUMENT_RULES } from './input-values.js';

/** The field coordinates (`Type.field`) an operation's document selects. */
export function fieldCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const coordinates = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith('__')) coordinates.add(`${parent.name}.${node.name.value}`);
      },
    }),
  );
  return [...coordinates];
}

/** Who is calling, as step 1 establishes it. */
export interface Caller {
  principal: Principal;
  /** The client's limits: its agency's (limits-policy.ts) under its own overrides. */
  limits: ClientLimits;
  /** The peer address of the request, for the audit. */
  address?: string | undefined;
  /** The rate limit's decision on this request, when its client check counted it (HTTP); `admit` takes it, once. */
  rate?: RateDecision | undefined;
}

/** An operation as a client sends it (GraphQL over HTTP's request parameters, or a graphql-ws subscribe payload). */
export interface OperationRequest {
  query?: unknown;
  /** `sha256:<hex>` of a trusted document registered for the client, instead of `query`. */
  documentId?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** The entry point an operation came through: each runs the operation types it serves. */
export type Transport = 'http' | 'http-get' | 'ws';

/** An operation the guard let through, ready to execute. */
export interface Admission extends Caller {
  purpose: string | undefined;
  schema: GraphQLSchema;
  document: DocumentNode;
  /** The document's text (the trusted document's, when sent by id). */
  source: string;
  documentHash: string;
  operation: OperationDefinitionNode;
  operationName: string | null;
  variables: Record<string, unknown>;
  /** Field coordinates the operation selects. */
  fields: string[];
  /** Whether it reaches personal data (then it needs a purpose, and ends with an audit entry). */
  personal: boolean;
  /** Headers every answer carries (the rate limit's). */
  headers: Record<string, string>;
  /** Gives back the client's concurrent-request slot (HTTP); call it once the answer is sent, whatever happened. */
  release: () => void;
}

const NO_SLOT = (): void => undefined;

/** An operation the guard refused: the status and error to answer with, and the headers. */
export interface Refusal {
  status: number;
  error: GraphQLError;
  headers: Record<string, string>;
}

/** What the guard needs from the rest of the process. */
export interface GuardDeps {
  tokens: TokenService;
  /** Each agency's schema view. */
  views: ReadonlyMap<Agency, GraphQLSchema>;
  repositories: Repositories;
  /** The counters of the rate limits and quotas; none: nothing is limited or counted (tools, benchmarks' baselines). */
  counters?: RateCounterRepository | undefined;
  /** The window of the tallies of refused requests, in seconds (default 60). */
  tallySeconds?: number | undefined;
}

/** Documents of at most this many characters are cached parsed and validated. */
const CACHEABLE_SOURCE = 20_000;
const CACHE_ENTRIES = 1_000;

interface CachedDocument {
  document: DocumentNode;
  tokens: number;
  /** Validation errors against the agency's view, once validated. */
  invalid?: readonly GraphQLError[];
  /** The first bad literal value, once looked for (null: none). */
  badLiteral?: GraphQLError | null;
}

const DOCUMENT_ID = /^sha256:[0-9a-f]{64}$/;

const NO_RATE_LIMIT: RateDecision = { headers: {}, retryAfter: null };

/**
 * The one access guard every entry point passes (HTTP, WebSocket, and —
 * through {@link pushAdmits} — webhook dispatch), in this order:
 *
 * 1. `authenticate`: the bearer token gives the principal and its limits;
 * 2. `view`: the agency's schema view (fields it does not have do not exist);
 * 3. `admit`: the rate limit, then the document — a trusted document by id,
 *    or query text when the client may send text — parsed within its token
 *    limit and measured (aliases, directives, depth, cost) before graphql-js
 *    validates it, then the operation type the transport serves, then
 *    the purpose, checked against every field selected;
 * 4. the caller executes with `context(admission)`;
 * 5. `audit` ends an operation on personal data with its one entry.
 *
 * A refusal is a {@link Refusal}: a 4xx and a coded error, never an
 * exception, and never a stack in the log. The cheapest checks come first,
 * so a flood of refused requests costs the hub little. Subscription caps and
 * other transport-specific checks go after `admit`, in the transport.
 */
export class AccessGuard {
  private readonly documents = new Map<string, CachedDocument>();
  /** HTTP operations executing now, per client, in this process. */
  private readonly inFlight = new Map<string, number>();
  private readonly rateLimiter: ClientRateLimiter | null;
  /**
   * Requests without a valid token, tallied per client (when the token's
   * signature held) or address and minute: the first three of each at once,
   * the rest as one entry with their count (security-tally.ts).
   */
  private readonly authenticationFailures: SecurityTally;
  /** Subscribes refused by a cap or as a twin of a live one (the transport's checks), tallied per client and minute. */
  private readonly refusedSubscribes: SecurityTally;

  constructor(private readonly deps: GuardDeps) {
    this.rateLimiter = deps.counters ? new ClientRateLimiter(deps.counters) : null;
    const write = (event: SecurityEvent) => this.securityEvent(event);
    const windowSeconds = deps.tallySeconds;
    this.authenticationFailures = new SecurityTally({ write, windowSeconds, immediate: 20, immediatePerKey: 3, annotate: false });
    this.refusedSubscribes = new SecurityTally({ write, windowSeconds });
  }

  /** Writes the refusals tallied in the window that has not ended (on shutdown): written, not lost. */
  async close(): Promise<void> {
    await Promise.all([this.authenticationFailures.close(), this.refusedSubscribes.close()]);
  }

  /**
   * Records a subscribe the transport refused after admission (a cap on live
   * subscriptions, a twin of a live one): tallied, so that a client looping
   * over refused subscribes writes a bounded number of entries, each with
   * the count it stands for.
   */
  async noteRefusedSubscribe(caller: Caller, reason: string): Promise<void> {
    const { principal } = caller;
    await this.refusedSubscribes.note({
      kind: SecurityEventKind.SUBSCRIPTION_REFUSED,
      reason,
      clientId: principal.clientId,
      agency: principal.agency,
      jurisdiction: principal.jurisdiction,
      jti: principal.jti,
      address: caller.address,
    });
  }

  /**
   * Step 1: the caller of an `Authorization: Bearer` header, or undefined
   * (401) after the failure is noted as a security event (the client named
   * only when the token's signature held): tallied, so that a flood of bad
   * tokens writes a bounded number of entries. A refusal is answered even
   * when its entry cannot be written; that is logged.
   */
  async authenticate(authorization: string | undefined, address?: string): Promise<Caller | undefined> {
    const checked = await this.identify(authorization, address);
    return 'principal' in checked ? checked : undefined;
  }

  /** As {@link authenticate}, with the failure when there is no caller (for the RFC 6750 challenge of HTTP). */
  async identify(
    authorization: string | undefined,
    address?: string,
    options: { count?: boolean } = {},
  ): Promise<Caller | { failure: AuthenticationFailure }> {
    // With `count` (one HTTP request, one operation), the client check and the request counter are one statement.
    const limiter = options.count ? this.rateLimiter : null;
    const planned: { hit: PlannedHit | null } = { hit: null };
    const checked = await this.deps.tokens.check(
      authorization,
      limiter ? (claimed) => (planned.hit = limiter.plan(claimed.clientId, claimed.agency)) : undefined,
    );
    if ('principal' in checked) {
      const { hits, ...caller } = checked;
      const rate = limiter ? await limiter.settle(caller.principal.clientId, planned.hit, hits ?? null, caller.limits) : null;
      return { ...caller, address, ...(rate && { rate }) };
    }
    await this.authenticationFailures.note({ kind: SecurityEventKind.AUTHENTICATION_FAILED, ...checked.failure, address });
    return checked;
  }

  /** Records a security event in its own transaction; a failure to write it is logged, not thrown. */
  private async securityEvent(event: Parameters<typeof recordSecurityEvent>[1]): Promise<void> {
    try {
      await recordSecurityEvent(this.deps.repositories.audit, event);
    } catch (error) {
      log.warn(`security event ${event.kind} not audited: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Step 2: the schema view of the caller's agency. */
  view(principal: Principal): GraphQLSchema {
    return this.deps.views.get(principal.agency)!;
  }

  /**
   * Step 3 for the requests that carry no GraphQL document (`/imports`): the
   * request rate only; what the request may do is the endpoint's to check
   * with the policy. Returns the rate limit's headers, or the 429 refusal.
   */
  async admitRequest(caller: Caller): Promise<{ headers: Record<string, string> } | Refusal> {
    const rate = await this.consume(caller);
    if (rate.retryAfter !== null) return { status: 429, error: new RateLimitedError(rate.retryAfter), headers: rate.headers };
    return { headers: rate.headers };
  }

  /** Step 3: admits an operation, or says why not. `purpose` is the declared one (X-Purpose). */
  async admit(caller: Caller, purpose: string | undefined, request: OperationRequest, transport: Transport): Promise<Admission | Refusal> {
    const rate = await this.consume(caller);
    const { headers } = rate;
    const refuse = (status: number, error: GraphQLError): Refusal => ({ status, error, headers });
    if (rate.retryAfter !== null) {
      return refuse(429, new RateLimitedError(rate.retryAfter));
    }
    let admitted: Omit<Admission, 'headers' | 'release'>;
    try {
      admitted = await this.admitOperation(caller, purpose, request, transport);
    } catch (error) {
      if (error instanceof Refused) return refuse(error.status, error.error);
      throw error;
    }
    // Last, so that a refused operation never holds a slot; a subscription is capped by the subscription limits instead.
    const release = transport === 'ws' ? NO_SLOT : this.occupy(caller);
    if (!release) return refuse(429, new RateLimitedError(1));
    return { ...admitted, headers, release };
  }

  /** The rate limit's decision on this request: the one its client check counted, once, else one counted now. */
  private async consume(caller: Caller): Promise<RateDecision> {
    const counted = caller.rate;
    if (counted) {
      caller.rate = undefined;
      return counted;
    }
    return this.rateLimiter ? this.rateLimiter.consume(caller.principal.clientId, caller.limits) : NO_RATE_LIMIT;
  }

  /**
   * Takes one of the client's `concurrentRequests` slots in this process
   * for an HTTP operation: the function that gives it back (once; later
   * calls do nothing), or null when every slot is taken.
   */
  private occupy(caller: Caller): (() => void) | null {
    const clientId = caller.principal.clientId;
    const held = this.inFlight.get(clientId) ?? 0;
    if (held >= caller.limits.concurrentRequests) return null;
    this.inFlight.set(clientId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(clientId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(clientId, left);
      else this.inFlight.delete(clientId);
    };
  }

  private async admitOperation(
    caller: Caller,
    purpose: string | undefined,
    request: OperationRequest,
    transport: Transport,
  ): Promise<Omit<Admission, 'headers' | 'release'>> {
    const { principal, limits } = caller;
    const schema = this.view(principal);
    const variables = request.variables ?? {};
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      throw new Refused(400, coded('variables must be a JSON object', ErrorCode.BAD_REQUEST));
    }
    if (request.operationName != null && typeof request.operationName !== 'string') {
      throw new Refused(400, coded('operationName must be a string', ErrorCode.BAD_REQUEST));
    }
    const source = await this.source(caller, request);
    const documentHash = createHash('sha256').update(source).digest('hex');
    const operationName = (request.operationName as string | null | undefined) ?? null;
    // A document that does not parse or validate is a security event (its reason without the values sent).
    const invalid = (error: GraphQLError) => this.documentRefused({ ...caller, purpose, operationName, documentHash }, error);
    let document: CachedDocument;
    try {
      document = this.parsed(principal.agency, source, documentHash, limits);
    } catch (error) {
      if (error instanceof Refused && error.error.extensions.code === ErrorCode.GRAPHQL_PARSE_FAILED) await invalid(error.error);
      throw error;
    }
    try {
      checkMeasures(measureOperation(schema, document.document, variables as Record<string, unknown>), limits);
    } catch (error) {
      if (error instanceof QueryTooComplexError) throw new Refused(400, error);
      throw error;
    }
    const operation = getOperationAST(document.document, operationName);
    if (!operation) {
      throw new Refused(400, coded('name the operation to run (operationName)', ErrorCode.OPERATION_RESOLUTION_FAILURE));
    }
    this.checkOperationType(schema, operation, transport);
    document.invalid ??= validate(schema, document.document, DOCUMENT_RULES);
    if (document.invalid.length > 0) {
      const error = coded(document.invalid[0]!.message, ErrorCode.GRAPHQL_VALIDATION_FAILED, {}, document.invalid[0]);
      await invalid(error);
      throw new Refused(400, error);
    }
    document.badLiteral ??= badLiteralValue(schema, document.document);
    if (document.badLiteral?.extensions.code === ErrorCode.GRAPHQL_VALIDATION_FAILED) {
      await invalid(document.badLiteral);
      throw new Refused(400, document.badLiteral);
    }
    const fields = fieldCoordinates(schema, document.document);
    const admission = {
      principal,
      limits,
      address: caller.address,
      purpose,
      schema,
      document: document.document,
      source,
      documentHash,
      operation,
      operationName: operation.name?.value ?? null,
      variables: variables as Record<string, unknown>,
      fields,
      personal: operation.operation === 'subscription' || touchesPersonalData(operation),
    };
    if (admission.personal) await this.checkPurpose(admission);
    // Values last, whether written in the document or sent as variables: the same mistake is the same error either way.
    const bad = document.badLiteral ?? badVariableValue(schema, document.document, operation, admission.variables);
    if (bad?.extensions.code === ErrorCode.GRAPHQL_VALIDATION_FAILED) {
      await invalid(bad);
      throw new Refused(400, bad);
    }
    if (bad) await this.refuseInput(admission, bad);
    return admission;
  }

  /** The document's text: the trusted document named by `documentId`, or `query` when the client may send text. */
  private async source(caller: Caller, request: OperationRequest): Promise<string> {
    const documentId = request.documentId ?? apolloDocumentId(request.extensions);
    if (documentId !== undefined && documentId !== null) {
      if (request.query !== undefined && request.query !== null) {
        throw new Refused(400, coded('send either query or documentId, not both', ErrorCode.BAD_REQUEST));
      }
      const id = documentId;
      const found =
        typeof id === 'string' && DOCUMENT_ID.test(id) ? await this.deps.repositories.documents.find(caller.principal.clientId, id) : null;
      if (!found) {
        throw new Refused(400, new TrustedDocumentNotFoundError());
      }
      return found;
    }
    if (caller.limits.trustedDocumentsOnly) {
      throw new Refused(400, new TrustedDocumentRequiredError());
    }
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      throw new Refused(400, coded('send the operation as query (or documentId)', ErrorCode.BAD_REQUEST));
    }
    return request.query;
  }

  /** The parsed document, from the cache when this agency sent it before; QUERY_TOO_COMPLEX over the token limit. */
  private parsed(agency: Agency, source: string, hash: string, limits: ClientLimits): CachedDocument {
    const key = `${agency}:${hash}`;
    const cached = this.documents.get(key);
    if (cached) {
      if (cached.tokens > limits.tokens) throw new Refused(400, new QueryTooComplexError('tokens', limits.tokens, cached.tokens));
      return cached;
    }
    const tokens = countTokens(source, limits.tokens);
    if (tokens > limits.tokens) throw new Refused(400, new QueryTooComplexError('tokens', limits.tokens, tokens));
    let document: DocumentNode;
    try {
      document = parse(source, { maxTokens: limits.tokens });
    } catch (error) {
      throw new Refused(400, coded((error as Error).message, ErrorCode.GRAPHQL_PARSE_FAILED, {}, error as GraphQLError));
    }
    const entry: CachedDocument = { document, tokens };
    if (source.length <= CACHEABLE_SOURCE) {
      if (this.documents.size >= CACHE_ENTRIES) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(key, entry);
    }
    return entry;
  }

  /**
   * Each transport serves its operation types; a type the view lacks is a
   * validation error (graphql-js 16 does not check it; 17's KnownOperationTypesRule does).
   */
  private checkOperationType(schema: GraphQLSchema, operation: OperationDefinitionNode, transport: Transport): void {
    const kind = operation.operation;
    const root = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) {
      throw new Refused(400, coded(`this client’s schema has no ${kind} operations`, ErrorCode.GRAPHQL_VALIDATION_FAILED));
    }
    if (transport === 'ws' && kind !== 'subscription') {
      throw new Refused(400, coded('queries and mutations are served over HTTP at /graphql', ErrorCode.BAD_REQUEST));
    }
    if (transport !== 'ws' && kind === 'subscription') {
      throw new Refused(
        400,
        coded(
          'subscriptions are served over WebSocket: connect to /graphql with the graphql-transport-ws protocol (graphql-ws)',
          ErrorCode.BAD_REQUEST,
        ),
      );
    }
    if (transport === 'http-get' && kind !== 'query') {
      throw new Refused(405, coded(`a ${kind} must be sent with POST`, ErrorCode.BAD_REQUEST));
    }
  }

  /** Step 3's last check: the purpose, before anything is read; a refusal is audited (DENIED), as any access to personal data. */
  private async checkPurpose(admission: Omit<Admission, 'headers' | 'release'>): Promise<void> {
    try {
      checkPurpose(admission.principal, admission.purpose, admission.fields);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 403;
      const context = this.context(admission);
      const written = await this.audit(context, 'DENIED', error);
      throw new Refused(written ? status : 500, written ? error : WITHHELD);
    }
  }

  /** Refuses a bad argument value (400); an operation on personal data ends with its FAILED entry, as it did when executed. */
  private async refuseInput(admission: Omit<Admission, 'headers' | 'release'>, error: GraphQLError): Promise<never> {
    if (!admission.personal) throw new Refused(400, error);
    const written = await this.audit(this.context(admission), 'FAILED', error);
    throw new Refused(written ? 400 : 500, written ? error : WITHHELD);
  }

  /** The audit entry of a document that did not parse or validate: a FAILED security event of its client. */
  private async documentRefused(
    refused: Pick<Admission, 'principal' | 'limits' | 'purpose' | 'operationName' | 'documentHash' | 'address'>,
    error: GraphQLError,
  ): Promise<void> {
    const context = this.context({ ...refused, fields: [] });
    context.auditWriter.markEvent(SecurityEventKind.VALIDATION_FAILED);
    await this.audit(context, 'FAILED', { message: withoutValues(error.message) });
  }

  /** Step 4: the context an admitted operation executes with; its audit entry is already named and lists the fields selected. */
  context(
    admission: Pick<Admission, 'principal' | 'limits' | 'purpose' | 'operationName' | 'documentHash' | 'fields' | 'address'>,
  ): HubContext {
    const { principal, limits } = admission;
    const { counters, repositories } = this.deps;
    const report = (event: QuotaEvent) => this.quotaEvent(admission, event);
    const missedLookups = counters && new MissedLookupQuota(counters, principal.clientId, limits.missedIdLookups, report);
    const targetedGuesses =
      counters && narrowsMaskedIdNumber(principal.agency)
        ? (suspects: GuessSuspects) => new TargetedGuessBudget(counters, principal.clientId, limits.targetedIdGuesses, suspects, report)
        : undefined;
    const context: HubContext = {
      ...createContext(principal, admission.purpose, repositories, { missedLookups: missedLookups || undefined, targetedGuesses, limits }),
      limits,
    };
    context.auditWriter.identify(admission.operationName, admission.documentHash);
    context.auditWriter.from(admission.address);
    context.auditWriter.record({ fields: admission.fields });
    return context;
  }

  /**
   * A client used up a quota: a security event in the audit log, which the
   * auditors read (a DENIED entry of the client, naming the quota).
   */
  private async quotaEvent(admission: Pick<Admission, 'principal' | 'purpose' | 'address'>, event: QuotaEvent): Promise<void> {
    const { message, field, quota, personIds } = event;
    const { principal, purpose } = admission;
    await this.deps.repositories.audit.append({
      clientId: principal.clientId,
      agency: principal.agency,
      jurisdiction: principal.jurisdiction,
      event: 'QUOTA_EXCEEDED',
      address: admission.address ?? null,
      jti: principal.jti,
      purpose: (principal.purposes as string[]).includes(purpose ?? '') ? (purpose as Purpose) : null,
      operationName: `security: quota ${quota} used up`,
      fields: [field],
      ...(personIds && { personIds }),
      outcome: 'DENIED',
      error: message,
    });
  }

  /** Step 5: writes the operation's audit entry; false (and a warning) when it cannot be written, and the data must be withheld. */
  async audit(context: HubContext, outcome: AuditOutcome, error?: { message: string } | null): Promise<boolean> {
    try {
      const appended = auditAppendDuration.startTimer();
      await context.auditWriter.flush(outcome, error?.message ?? null);
      appended();
      return true;
    } catch (failure) {
      log.warn(`audit entry not written, data withheld: ${failure instanceof Error ? failure.message : String(failure)}`);
      return false;
    }
  }
}

/** What a quota reports when a client used it up. */
type QuotaEvent = Parameters<QuotaEventSink>[0];

/** The id of Apollo's persisted-query link (`extensions.persistedQuery.sha256Hash`), as a `documentId`. */
function apolloDocumentId(extensions: unknown): string | undefined {
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? `sha256:${hash}` : undefined;
}

/** A refusal on its way out of `admit`. */
class Refused extends Error {
  constructor(
    readonly status: number,
    readonly error: GraphQLError,
  ) {
    super(error.message);
  }
}

/** An error about the client's request, coded; locations kept from graphql-js's own error when there is one. */
function coded(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}, cause?: GraphQLError): GraphQLError {
  return new GraphQLError(message, {
    nodes: cause?.nodes,
    source: cause?.source,
    positions: cause?.positions,
    extensions: { ...extensions, code },
  });
}

/** What is sent instead of data whose audit entry could not be written (the cause is logged where it happened). */
export const WITHHELD = new GraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
