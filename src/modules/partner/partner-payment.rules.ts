import type { Decimal } from 'decimal.js';
import { checkPersonReference, type PersonReference } from '../person/person.rules.js';

/** Which partner payment: a charity's aid or an insurer's claim. */
export type PaymentKind = 'CHARITY_AID' | 'COMMERCIAL_CLAIM';

/** A partner payment in one shape for both kinds, as a writer sends it (dates and amounts parsed). */
export interface PaymentFields {
  personId?: string | null;
  idNumber?: string | null;
  amount: Decimal;
  paidOn: Date;
  /** `reference` of charity aid, `claimReference` of a commercial claim. */
  reference: string;
  /** `claimId` of charity aid, `relatedClaimId` of a commercial claim. */
  relatedClaimId?: string | null;
  note?: string | null;
}

/** A checked payment. */
export interface CheckedPayment {
  person: PersonReference;
  amount: Decimal;
  paidOn: Date;
  reference: string;
  relatedClaimId: string | null;
  note: string | null;
}

/** The input field at fault (by its name in the kind's input) and why. */
export interface PaymentProblem {
  field: string;
  reason: string;
}

/** The input's own names for the shared fields. */
export const PAYMENT_FIELD_NAMES: Readonly<Record<PaymentKind, { reference: string; relatedClaimId: string }>> = {
  CHARITY_AID: { reference: 'reference', relatedClaimId: 'claimId' },
  COMMERCIAL_CLAIM: { reference: 'claimReference', relatedClaimId: 'relatedClaimId' },
};

const MAX_AMOUNT = '999999999999.99';

/** Validates a partner payment, the one place that does (mutation and import). Pure. */
export function checkPayment(kind: PaymentKind, input: PaymentFields, today: Date): CheckedPayment | PaymentProblem {
  const names = PAYMENT_FIELD_NAMES[kind];
  const person = checkPersonReference(input);
  if ('field' in person) return person;
  if (!input.amount.greaterThan(0) || input.amount.greaterThan(MAX_AMOUNT)) {
    return { field: 'amount', reason: `must be more than 0 and at most ${MAX_AMOUNT}` };
  }
  if (input.paidOn > today) return { field: 'paidOn', reason: 'is in the future' };
  const reference = input.reference.trim();
  if (reference.length === 0 || reference.length > 64) return { field: names.reference, reason: 'must be 1 to 64 characters' };
  const related = input.relatedClaimId?.trim() || null;
  if (related !== null && related.length > 64) return { field: names.relatedClaimId, reason: 'must be at most 64 characters' };
  const note = input.note?.trim() || null;
  if (note !== null && [...note].length > 500) return { field: 'note', reason: 'must be at most 500 characters' };
  return { person, amount: input.amount, paidOn: input.paidOn, reference, relatedClaimId: related, note };
}
