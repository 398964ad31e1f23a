import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { ErrorCode } from '../shared/errors.js';
import { graphqlDuration, graphqlRequests, operationLabel, sqlStatementsPerRequest } from '../shared/metrics.js';
import { currentRequest, type RequestScope } from '../shared/request-scope.js';
import type { HubContext } from './context.js';

const DENIED = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.RATE_LIMITED,
  ErrorCode.QUOTA_EXCEEDED,
  ErrorCode.TRUSTED_DOCUMENT_REQUIRED,
  ErrorCode.TRUSTED_DOCUMENT_NOT_FOUND,
]);

/** What came of an operation, from the codes of its errors: a closed list, for labels. */
export function outcomeOf(codes: readonly string[]): 'success' | 'denied' | 'error' | 'rejected' {
  if (codes.length === 0) return 'success';
  if (codes.includes(ErrorCode.INTERNAL_SERVER_ERROR)) return 'error';
  if (codes.some((code) => DENIED.has(code))) return 'denied';
  return 'rejected';
}

/**
 * Names the operation and its outcome in the request's scope. Apollo runs
 * the plugins' `willSendResponse` side by side, and the audit entry is
 * written in the access plugin's: so the metrics themselves are recorded by
 * {@link recordOperation} once the HTTP answer is complete, audit included.
 */
export const metricsPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors, contextValue, request, operation, document }) {
        // The operation run; else (a document that failed validation) the one it names or the only one it has.
        const definitions = document?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION) ?? [];
        const named =
          definitions.find((d) => d.name?.value === request.operationName) ?? (definitions.length === 1 ? definitions[0] : undefined);
        const name = operation?.name?.value ?? named?.name?.value ?? null;
        const scope = currentRequest();
        if (!scope) return;
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        const codes = (body?.errors ?? errors ?? []).map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
        scope.operation = { name: operationLabel(name), agency: contextValue.principal.agency, outcome: outcomeOf(codes) };
      },
    };
  },
};

/**
 * Records a served GraphQL operation: `hub_graphql_requests_total`,
 * `hub_graphql_request_duration_seconds` (from `started`, a
 * `performance.now()`) and `hub_sql_statements_per_request`.
 */
export function recordOperation(scope: RequestScope, started: number): void {
  const operation = scope.operation;
  if (!operation) return;
  graphqlRequests.inc({ operation: operation.name, agency: operation.agency, outcome: operation.outcome });
  graphqlDuration.observe({ operation: operation.name, agency: operation.agency }, (performance.now() - started) / 1000);
  sqlStatementsPerRequest.observe({ operation: operation.name }, scope.statements);
}
