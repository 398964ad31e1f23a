import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { checkPurpose, touchesPersonalData } from '../auth/purpose.js';
import type { AuditOutcome } from '../modules/audit/audit.chain.js';
import { SecurityEventKind, withoutValues } from '../modules/audit/audit.events.js';
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
    // A document that does not parse or validate is a security event, named with the errors' values taken out.
    let invalid = false;
    const refused = ({
      request,
      source,
      contextValue,
    }: {
      request: { operationName?: string };
      source?: string;
      contextValue: HubContext;
    }) => {
      audited = invalid = true;
      contextValue.auditWriter.markEvent(SecurityEventKind.VALIDATION_FAILED);
      contextValue.auditWriter.identify(
        request.operationName ?? null,
        createHash('sha256')
          .update(source ?? '')
          .digest('hex'),
      );
    };
    return {
      async parsingDidStart(requestContext) {
        return async (error) => {
          if (error) refused(requestContext);
        };
      },
      async validationDidStart(requestContext) {
        return async (errors) => {
          if (errors?.length) refused(requestContext);
        };
      },
      async didResolveOperation({ operation, document, source, contextValue, schema }) {
        if (operation && readsSchema(document)) {
          // Introspection is recorded whether or not the operation reads personal data too.
          audited = true;
          contextValue.auditWriter.markEvent(SecurityEventKind.INTROSPECTION);
          contextValue.auditWriter.identify(operation.name?.value ?? null, createHash('sha256').update(source).digest('hex'));
        }
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
        const message = errors[0]?.message ?? null;
        try {
          const appended = auditAppendDuration.startTimer();
          await contextValue.auditWriter.flush(outcome, invalid && message !== null ? withoutValues(message) : message);
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
