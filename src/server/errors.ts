import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, HubError, REQUEST_ERROR_CODES } from '../shared/errors.js';
import { log } from '../shared/log.js';

/**
 * The one place where errors leave the server: the hub's own errors and the
 * request errors keep their message and code; anything else is logged and
 * masked as INTERNAL_SERVER_ERROR. No stack trace is ever sent.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  if (original instanceof HubError || (original instanceof GraphQLError && REQUEST_ERROR_CODES.has(String(code)))) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  log.warn(
    `internal error at ${formatted.path?.join('.') ?? 'request'}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`,
  );
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
