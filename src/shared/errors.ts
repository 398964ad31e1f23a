import { GraphQLError } from 'graphql';

/**
 * Every code a client can meet in `extensions.code` (api-contract.md), in one
 * list, as Apollo Server's `ApolloServerErrorCode`. Anything a client receives
 * carries one of them; the server masks any other error as
 * INTERNAL_SERVER_ERROR. The classes below are the only way the hub raises
 * its own codes.
 */
export const ErrorCode = {
  /** No valid credentials (missing, malformed, expired or revoked token). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Authenticated, but the operation is not allowed. */
  FORBIDDEN: 'FORBIDDEN',
  /** A malformed argument or input field; `extensions.argument` names it. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The HTTP request itself is malformed (body, method, operation type). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The target of a write or lookup does not exist for this client. */
  NOT_FOUND: 'NOT_FOUND',
  /** The write conflicts with existing data. */
  CONFLICT: 'CONFLICT',
  /** A policy parameter neither the source nor the region configuration sets. */
  PARAMETER_NOT_SET: 'PARAMETER_NOT_SET',
  /** An operation over a limit (depth, aliases, cost, tokens, directives), refused before execution. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Over the client's request rate: HTTP 429 with Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Over a quota (lookups that find nothing, say). */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** The client may only run trusted (persisted) documents. */
  TRUSTED_DOCUMENT_REQUIRED: 'TRUSTED_DOCUMENT_REQUIRED',
  /** The `documentId` names no document registered for this client. */
  TRUSTED_DOCUMENT_NOT_FOUND: 'TRUSTED_DOCUMENT_NOT_FOUND',
  /** The query text does not parse. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The document names what the client's schema does not have. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** The operation to run cannot be chosen from the document. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Anything else; the cause is logged, never sent. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** One of {@link ErrorCode}'s values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes whose message describes the client's own request, so it may be shown as it is. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  // No persisted-query codes of Apollo's: the guard answers documentIds and Apollo's persisted-query hashes itself.
]);

/** Base of the errors the hub raises on purpose; their message is safe to show. */
export abstract class HubError extends GraphQLError {
  protected constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/**
 * Gives an error raised before execution (not in a resolver) its HTTP status:
 * a refused request is the client's fault, not a 500.
 */
export function withHttpStatus<E extends HubError>(error: E, status: number): E {
  (error.extensions as Record<string, unknown>).http = { status };
  return error;
}

/**
 * The JSON body of an error answered outside GraphQL execution (before a
 * schema is chosen, or by a plain HTTP endpoint): `{ errors: [...] }` as the
 * GraphQL-over-HTTP spec shapes it.
 */
export function errorBody(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}): { errors: unknown[] } {
  return { errors: [{ message, extensions: { ...extensions, code } }] };
}

/** Malformed input; `argument` names the argument or input field at fault. */
export class BadUserInputError extends HubError {
  constructor(message: string, argument: string) {
    super(message, ErrorCode.BAD_USER_INPUT, { argument });
  }
}

/** A malformed request (body, method, an operation type the endpoint does not serve). */
export class BadRequestError extends HubError {
  constructor(message: string) {
    super(message, ErrorCode.BAD_REQUEST);
  }
}

/** No valid credentials. The message never says which check failed. */
export class UnauthenticatedError extends HubError {
  constructor() {
    super('authentication required', ErrorCode.UNAUTHENTICATED);
  }
}

/** Authenticated, but the operation is not allowed (never used to hide rows: those are absent). */
export class ForbiddenError extends HubError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, ErrorCode.FORBIDDEN, extensions);
  }
}

/** The write conflicts with existing data (a duplicate ID number, a settled claim with other content). */
export class ConflictError extends HubError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, ErrorCode.CONFLICT, extensions);
  }
}

/** A policy parameter that neither the source nor the region configuration sets. */
export class ParameterNotSetGraphQLError extends HubError {
  constructor(message: string, detail: { ruleSet: string; category: string | null; parameter: string; visitType?: string }) {
    super(message, ErrorCode.PARAMETER_NOT_SET, detail);
  }
}

/** The target of a write does not exist for this client (unknown, or outside its rows: the two are not told apart). */
export class NotFoundError extends HubError {
  constructor(message: string, argument: string) {
    super(message, ErrorCode.NOT_FOUND, { argument });
  }
}

/** Which operation limit was passed. */
export type OperationLimit = 'depth' | 'aliases' | 'cost' | 'tokens' | 'directives' | 'responseBytes';

/** An operation over one of the limits of its client, refused before execution (HTTP 400). */
export class QueryTooComplexError extends HubError {
  constructor(limit: OperationLimit, max: number, actual: number) {
    super(`the operation's ${limit} is ${actual}, over the limit of ${max}`, ErrorCode.QUERY_TOO_COMPLEX, { limit, max, actual });
  }
}

/** Over the client's request rate (HTTP 429); `retryAfter` in seconds. */
export class RateLimitedError extends HubError {
  constructor(retryAfter: number) {
    super(`too many requests: retry after ${retryAfter} s`, ErrorCode.RATE_LIMITED, { retryAfter });
  }
}

/** Over a quota of the client (HTTP 429); `quota` names it. */
export class QuotaExceededError extends HubError {
  constructor(quota: string, max: number, retryAfter: number) {
    super(`quota ${quota} of ${max} is used up: retry after ${retryAfter} s`, ErrorCode.QUOTA_EXCEEDED, { quota, max, retryAfter });
  }
}

/**
 * A client spent its budget of targeted guesses at a person's ID number
 * (lookup-quota.ts): every lookup of a number of that pattern is refused, a
 * right one as a wrong one. Lifetime: there is no retry.
 */
export class GuessBudgetSpentError extends HubError {
  constructor(max: number) {
    super(
      `quota targetedIdGuesses of ${max} is used up for ID numbers of this pattern: ask the agency that holds the person`,
      ErrorCode.QUOTA_EXCEEDED,
      { quota: 'targetedIdGuesses', max },
    );
  }
}

/** The client may run trusted documents only, and sent query text. */
export class TrustedDocumentRequiredError extends HubError {
  constructor() {
    super('this client runs trusted documents only: send documentId instead of query', ErrorCode.TRUSTED_DOCUMENT_REQUIRED);
  }
}

/** No trusted document with that id is registered for the client. */
export class TrustedDocumentNotFoundError extends HubError {
  constructor() {
    super('no trusted document with this documentId is registered for this client', ErrorCode.TRUSTED_DOCUMENT_NOT_FOUND, {
      argument: 'documentId',
    });
  }
}

/**
 * A standing cap of the client is reached (webhooks registered, live
 * subscriptions): QUOTA_EXCEEDED with the cap's name and size. Unlike a
 * rate, it frees up only when the client gives something back.
 */
export class CapReachedError extends HubError {
  constructor(quota: string, max: number) {
    super(`quota ${quota} of ${max} is used up: remove one first`, ErrorCode.QUOTA_EXCEEDED, { quota, max });
  }
}
