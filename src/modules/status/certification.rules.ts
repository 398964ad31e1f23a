import type { Agency, AssistanceCategory } from '../../generated/prisma/enums.js';
import { CERTIFYING_AGENCY } from '../../auth/access-policy.js';
import { checkPersonReference, type PersonReference } from '../person/person.rules.js';

/** A certification as a writer sends it, dates already parsed (GraphQL input or an import row). */
export interface CertificationFields {
  personId?: string | null;
  idNumber?: string | null;
  category: AssistanceCategory;
  class?: number | null;
  documentNo: string;
  validFrom: Date;
  validTo?: Date | null;
  transitionUntil?: Date | null;
  retroactive?: boolean | null;
}

/** A checked certification: the person named one way, every optional value settled. */
export interface CheckedCertification {
  person: PersonReference;
  category: AssistanceCategory;
  class: number | null;
  documentNo: string;
  validFrom: Date;
  validTo: Date | null;
  transitionUntil: Date | null;
  retroactive: boolean;
}

/** Why a certification is refused: the input field at fault and a reason fit for the writer. */
export interface FieldProblem {
  field: string;
  reason: string;
  /** FORBIDDEN rather than bad input: another agency's category. */
  forbidden?: boolean;
}

/** The categories whose certification may carry jiaxing's retroactive flag (domain.md §5.1). */
const RETROACTIVE_CATEGORIES: readonly AssistanceCategory[] = ['MINIMUM_LIVING', 'LOW_INCOME_MARGINAL'];

/**
 * Validates a certification for `agency`, the one place that does (the
 * mutation and the bulk import both call it). Pure: no I/O.
 */
export function checkCertification(input: CertificationFields, agency: Agency): CheckedCertification | FieldProblem {
  if (CERTIFYING_AGENCY[input.category] !== agency) {
    return { field: 'category', reason: `${input.category} is certified by ${CERTIFYING_AGENCY[input.category]}`, forbidden: true };
  }
  const person = checkPersonReference(input);
  if ('field' in person) return person;
  const documentNo = input.documentNo.trim();
  if (documentNo.length === 0 || documentNo.length > 64) return { field: 'documentNo', reason: 'must be 1 to 64 characters' };
  const klass = input.class ?? null;
  if (input.category === 'MINIMUM_LIVING') {
    if (klass !== null && (!Number.isInteger(klass) || klass < 1 || klass > 4)) return { field: 'class', reason: 'must be 1 to 4' };
  } else if (klass !== null) {
    return { field: 'class', reason: 'only a MINIMUM_LIVING certification has a class' };
  }
  const validTo = input.validTo ?? null;
  const transitionUntil = input.transitionUntil ?? null;
  if (validTo && validTo < input.validFrom) return { field: 'validTo', reason: 'is before validFrom' };
  if (transitionUntil && !validTo) return { field: 'transitionUntil', reason: 'a transition period follows an end: give validTo' };
  if (transitionUntil && validTo && transitionUntil < validTo) return { field: 'transitionUntil', reason: 'is before validTo' };
  const retroactive = input.retroactive ?? false;
  if (retroactive && !RETROACTIVE_CATEGORIES.includes(input.category)) {
    return { field: 'retroactive', reason: 'only MINIMUM_LIVING and LOW_INCOME_MARGINAL are certified retroactively' };
  }
  return { person, category: input.category, class: klass, documentNo, validFrom: input.validFrom, validTo, transitionUntil, retroactive };
}

/** Whether a check failed. */
export function isProblem(value: CheckedCertification | FieldProblem): value is FieldProblem {
  return 'reason' in value;
}

/** Whether a stored version says what `wanted` says (then certifying again changes nothing). */
export function sameCertification(
  stored: {
    personId: string;
    category: AssistanceCategory;
    class: number | null;
    validFrom: Date;
    validTo: Date | null;
    transitionUntil: Date | null;
    retroactive: boolean;
  },
  personId: string,
  wanted: CheckedCertification,
): boolean {
  const day = (d: Date | null) => (d ? d.getTime() : null);
  return (
    stored.personId === personId &&
    stored.category === wanted.category &&
    (stored.class ?? null) === wanted.class &&
    day(stored.validFrom) === day(wanted.validFrom) &&
    day(stored.validTo) === day(wanted.validTo) &&
    day(stored.transitionUntil) === day(wanted.transitionUntil) &&
    stored.retroactive === wanted.retroactive
  );
}
