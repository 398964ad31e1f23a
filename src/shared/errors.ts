import { GraphQLError } from 'graphql';

/**
 * The hub's error codes (api-contract.md). Every error a client sees carries
 * one of them in `extensions.code`; anything else is masked as
 * INTERNAL_SERVER_ERROR by the server.
 */
export type ErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'PARAMETER_NOT_SET' | 'INTERNAL_SERVER_ERROR';

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

/** Malformed input; `argument` names the argument or input field at fault. */
export class BadUserInputError extends HubError {
  constructor(message: string, argument: string) {
    super(message, 'BAD_USER_INPUT', { argument });
  }
}

/** No valid credentials. The message never says which check failed. */
export class UnauthenticatedError extends HubError {
  constructor() {
    super('authentication required', 'UNAUTHENTICATED');
  }
}

/** Authenticated, but the operation is not allowed (never used to hide rows: those are absent). */
export class ForbiddenError extends HubError {
  constructor(message: string) {
    super(message, 'FORBIDDEN');
  }
}

/** The write conflicts with existing data (a duplicate ID number, a settled claim with other content). */
export class ConflictError extends HubError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, 'CONFLICT', extensions);
  }
}

/** A policy parameter that neither the source nor the region configuration sets. */
export class ParameterNotSetGraphQLError extends HubError {
  constructor(message: string, detail: { ruleSet: string; category: string | null; parameter: string }) {
    super(message, 'PARAMETER_NOT_SET', detail);
  }
}

/** The target of a write does not exist for this client (unknown, or outside its rows: the two are not told apart). */
export class NotFoundError extends HubError {
  constructor(message: string, argument: string) {
    super(message, 'NOT_FOUND', { argument });
  }
}
