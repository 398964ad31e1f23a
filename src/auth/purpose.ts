import type { OperationDefinitionNode } from 'graphql';
import { BadUserInputError, ForbiddenError, withHttpStatus } from '../shared/errors.js';
import { AGENCY_PURPOSES, FIELD_PURPOSES } from './access-policy.js';
import type { Principal } from './principal.js';

// Root fields that carry no personal data and need no declared purpose.
// `_service` is a subgraph's SDL, which only the gateway can ask for (gateway-proof.ts).
const IMPERSONAL_ROOT_FIELDS = new Set(['viewer', 'regionConfig', '__schema', '__type', '__typename', '_service']);

/** Whether an operation reaches personal data (any root field but the impersonal ones). */
export function touchesPersonalData(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((s) => s.kind !== 'Field' || !IMPERSONAL_ROOT_FIELDS.has(s.name.value));
}

/**
 * Checks the declared purpose (X-Purpose, or `purpose` of a WebSocket's
 * connection parameters) before anything is read: it must be given, be one of
 * both the client's and its agency's purposes, and be one that each field the
 * operation selects accepts (FIELD_PURPOSES, by coordinate such as
 * `Mutation.settleClaim` or `Person.alerts`).
 */
export function checkPurpose(principal: Principal, purpose: string | undefined, coordinates: readonly string[] = []): void {
  const allowed = AGENCY_PURPOSES[principal.agency] as readonly string[];
  // What the client may declare: the token's purposes its agency has; named in both refusals so the client can correct itself.
  const declarable: readonly string[] = principal.purposes.filter((p) => allowed.includes(p));
  const listed = declarable.length > 0 ? declarable.join(', ') : 'none';
  if (!purpose)
    throw withHttpStatus(
      new BadUserInputError(`declare the purpose of this request in the X-Purpose header (this client's purposes: ${listed})`, 'X-Purpose'),
      400,
    );
  if (!declarable.includes(purpose)) {
    throw withHttpStatus(
      new ForbiddenError(`purpose ${purpose} is not one of this client's purposes (${listed})`, { purposes: declarable }),
      403,
    );
  }
  for (const coordinate of coordinates) {
    const accepted = FIELD_PURPOSES[coordinate];
    if (accepted && !(accepted as readonly string[]).includes(purpose)) {
      const field = coordinate.slice(coordinate.indexOf('.') + 1);
      throw withHttpStatus(new ForbiddenError(`${field} serves the purpose ${accepted.join(' or ')}, not ${purpose}`), 403);
    }
  }
}

/**
 * Whether `purpose` admits the fields for this principal, by the same rules
 * as {@link checkPurpose}: the access guard's purpose step for a push
 * (webhook dispatch), which has no request to refuse, only a delivery to skip.
 */
export function purposeAdmits(principal: Principal, purpose: string, coordinates: readonly string[]): boolean {
  try {
    checkPurpose(principal, purpose, coordinates);
    return true;
  } catch {
    return false;
  }
}
