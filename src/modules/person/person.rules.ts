import type { Gender, Residence } from '../../generated/prisma/enums.js';
import { formatDate } from '../../shared/dates.js';
import { parseIdNumber } from '../../shared/id-number.js';
import { isUuid } from '../../shared/validate.js';

/** A registration as a writer sends it (GraphQL input or an import row). */
export interface PersonFields {
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: Date;
  residence: Residence;
  regionCode: string;
  phone?: string | null;
  householdId?: string | null;
}

/** A checked registration. */
export interface CheckedPerson {
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: Date;
  residence: Residence;
  regionCode: string;
  phone: string | null;
  householdId: string | null;
}

/** The input field at fault and why. */
export interface PersonProblem {
  field: string;
  reason: string;
}

/** A person named by a write: by id or by ID number, normalised. */
export type PersonReference = { personId: string } | { idNumber: string };

/**
 * Checks how a write names its person (exactly one of `personId` and
 * `idNumber`, each well formed): the one check of certifications, partner
 * payments and their imports. Pure.
 */
export function checkPersonReference(input: { personId?: string | null; idNumber?: string | null }): PersonReference | PersonProblem {
  const hasId = input.personId != null && input.personId !== '';
  const hasNumber = input.idNumber != null && input.idNumber !== '';
  if (hasId === hasNumber) return { field: hasId ? 'idNumber' : 'personId', reason: 'give exactly one of personId and idNumber' };
  if (hasId) {
    if (!isUuid(input.personId!)) return { field: 'personId', reason: 'is not a valid id' };
    return { personId: input.personId!.toLowerCase() };
  }
  const parsed = parseIdNumber(input.idNumber!);
  if (!parsed.ok) return { field: 'idNumber', reason: parsed.reason };
  return { idNumber: input.idNumber!.toUpperCase() };
}

const PHONE = /^\+?[0-9][0-9-]{4,19}$/;
const REGION = /^\d{6}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A phone number as the hub stores it, or the reason it is refused. */
export function checkPhone(phone: string): PersonProblem | null {
  return PHONE.test(phone) ? null : { field: 'phone', reason: 'must be 5 to 20 digits (and dashes)' };
}

/** A region code a writer may use: 6 digits within its jurisdiction. */
export function checkRegion(regionCode: string, jurisdiction: string): PersonProblem | null {
  if (!REGION.test(regionCode)) return { field: 'regionCode', reason: 'must be a 6-digit region code' };
  if (!regionCode.startsWith(jurisdiction)) return { field: 'regionCode', reason: 'is outside your jurisdiction' };
  return null;
}

/**
 * Validates a registration within `jurisdiction` (domain.md §2): a valid ID
 * number that agrees with the birth date, the gender and the region given.
 * The one place that does, for the mutation and the bulk import. Pure.
 */
export function checkPerson(input: PersonFields, jurisdiction: string): CheckedPerson | PersonProblem {
  const parsed = parseIdNumber(input.idNumber);
  if (!parsed.ok) return { field: 'idNumber', reason: parsed.reason };
  const name = input.name.trim();
  if (name.length === 0 || [...name].length > 64 || CONTROL.test(name))
    return { field: 'name', reason: 'must be 1 to 64 printable characters' };
  const region = checkRegion(input.regionCode, jurisdiction);
  if (region) return region;
  if (formatDate(input.birthDate) !== parsed.facts.birthDate) return { field: 'birthDate', reason: 'does not agree with the ID number' };
  if (input.gender !== parsed.facts.gender) return { field: 'gender', reason: 'does not agree with the ID number' };
  if (input.regionCode !== parsed.facts.regionCode) return { field: 'regionCode', reason: 'does not agree with the ID number' };
  const phone = input.phone ?? null;
  if (phone !== null) {
    const problem = checkPhone(phone);
    if (problem) return problem;
  }
  const householdId = input.householdId ?? null;
  if (householdId !== null && !isUuid(householdId)) return { field: 'householdId', reason: 'is not a valid id' };
  return {
    idNumber: input.idNumber.toUpperCase(),
    name,
    gender: input.gender,
    birthDate: input.birthDate,
    residence: input.residence,
    regionCode: input.regionCode,
    phone,
    householdId: householdId?.toLowerCase() ?? null,
  };
}
