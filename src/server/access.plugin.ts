import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { checkPurpose, touchesPersonalData } from '../auth/purpose.js';
import type { AuditOutcome } from '../modules/audit/audit.chain.js';
import { ErrorCode, errorBody } from '../shared/errors.js';
import { log } from '../shared/log.js';
import { auditAppendDuration } from '../shared/metrics.js';
import type { HubContext } from './context.js';

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

const DENIAL_CODES = new Set<string>([ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED]);

/**
 * The choke point of every operation on personal data (as Medplum's server
 * has one): it checks the declared purpose before anything is read, and
 * writes one audit entry when the operation ends — success, denial or
 * failure. A read whose entry cannot be written returns no data.
 */
export const accessPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    let audited = false;
    return {
      async didResolveOperation({ operation, document, source, contextValue, schema }) {
        if (!operation || !touchesPersonalData(operation)) return;
        audited = true;
        contextValue.auditWriter.identify(operation.name?.value ?? null, createHash('sha256').update(source).digest('hex'));
        const fields = fieldCoordinates(schema, document);
        contextValue.auditWriter.record({ fields });
        checkPurpose(contextValue.principal, contextValue.purpose, fields);
      },
      async willSendResponse({ response, contextValue }) {
        if (!audited || response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors ?? [];
        const purposeDenied = errors.some((e) => DENIAL_CODES.has(String(e.extensions?.code)) || e.extensions?.argument === 'X-Purpose');
        const outcome: AuditOutcome = errors.length === 0 ? 'SUCCESS' : purposeDenied ? 'DENIED' : 'FAILED';
        try {
          const appended = auditAppendDuration.startTimer();
          await contextValue.auditWriter.flush(outcome, errors[0]?.message ?? null);
          appended();
        } catch (error) {
          log.warn(`audit entry not written, data withheld: ${error instanceof Error ? error.message : String(error)}`);
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
