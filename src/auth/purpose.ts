import type { OperationDefinitionNode } from 'graphql';
import { BadUserInputError, ForbiddenError, withHttpStatus } from '../shared/errors.js';
import { AGENCY_PURPOSES } from './access-policy.js';
import type { Principal } from './principal.js';

// Root fields that carry no personal data and need no declared purpose.
const IMPERSONAL_ROOT_FIELDS = new Set(['viewer', '__schema', '__type', '__typename']);

/** Whether an operation reaches personal data (any root field but the impersonal ones). */
export function touchesPersonalData(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((s) => s.kind !== 'Field' || !IMPERSONAL_ROOT_FIELDS.has(s.name.value));
}

/**
 * Checks the declared purpose (X-Purpose) before anything is read: it must be
 * given, and be one of both the client's and its agency's purposes.
 */
export function checkPurpose(principal: Principal, purpose: string | undefined): void {
  if (!purpose)
    throw withHttpStatus(new BadUserInputError('declare the purpose of this request in the X-Purpose header', 'X-Purpose'), 400);
  const allowed = AGENCY_PURPOSES[principal.agency] as readonly string[];
  if (!allowed.includes(purpose) || !(principal.purposes as readonly string[]).includes(purpose)) {
    throw withHttpStatus(new ForbiddenError(`purpose ${purpose} is not one of this client's purposes`), 403);
  }
}
