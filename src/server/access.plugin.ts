import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, visit, type DocumentNode } from 'graphql';
import { touchesPersonalData } from '../auth/purpose.js';
import type { AuditOutcome } from '../modules/audit/audit.chain.js';
import { SecurityEventKind } from '../modules/audit/audit.events.js';
import { ErrorCode, errorBody, QueryTooComplexError } from '../shared/errors.js';
import type { AccessGuard } from './access-guard.js';
import type { HubContext } from './context.js';

const DENIAL_CODES = new Set<string>([ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED]);

/**
 * The access guard's last step over HTTP: Apollo executes what the guard
 * admitted (access-guard.ts, which checked limits and the purpose), and this
 * plugin bounds the size of the answer (the client's `responseBytes`) and
 * ends an operation on personal data with its one audit entry — success,
 * denial or failure. A read whose entry cannot be written returns no data.
 */
export function accessPlugin(guard: AccessGuard): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      let audited = false;
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          audited = operation !== null && operation !== undefined && touchesPersonalData(operation);
          if (operation && readsSchema(document)) {
            // Introspection is recorded whether or not the operation reads personal data too.
            audited = true;
            contextValue.auditWriter.markEvent(SecurityEventKind.INTROSPECTION);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const max = contextValue.limits?.responseBytes;
          if (max !== undefined && response.body.singleResult.data) {
            // Measured before the entry is written: an answer withheld for its size is a failure, not a read.
            const actual = Buffer.byteLength(JSON.stringify(response.body.singleResult));
            if (actual > max) {
              const error = new QueryTooComplexError('responseBytes', max, actual);
              response.body.singleResult = { errors: [{ message: error.message, extensions: error.extensions }] };
              response.http.status = 400;
            }
          }
          if (!audited) return;
          const errors = response.body.singleResult.errors ?? [];
          const denied = errors.some((e) => DENIAL_CODES.has(String(e.extensions?.code)));
          const outcome: AuditOutcome = errors.length === 0 ? 'SUCCESS' : denied ? 'DENIED' : 'FAILED';
          const first = errors[0];
          if (!(await guard.audit(contextValue, outcome, first ?? null))) {
            response.body.singleResult = errorBody(
              'Internal server error',
              ErrorCode.INTERNAL_SERVER_ERROR,
            ) as typeof response.body.singleResult;
            response.http.status = 500;
          }
        },
      };
    },
  };
}

/** Whether a document reads the schema (`__schema` or `__type`, anywhere; `__typename` is not introspection). */
export function readsSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
