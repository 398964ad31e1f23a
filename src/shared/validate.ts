import { BadUserInputError } from './errors.js';
import { parseIdNumber } from './id-number.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` has the shape of a UUID (the hub's ids): PostgreSQL refuses anything else in a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An `ID` argument must be a UUID; anything else is bad input rather than "not found". */
export function requireUuid(value: string, argument: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`${argument} is not a valid id`, argument);
  return value.toLowerCase();
}

/** A national ID number argument, normalised to upper-case X. */
export function requireIdNumber(value: string, argument: string): string {
  const parsed = parseIdNumber(value);
  if (!parsed.ok) throw new BadUserInputError(`${argument} ${parsed.reason}`, argument);
  return value.toUpperCase();
}

/** A calendar year the hub can hold. */
export function requireYear(value: number, argument = 'year'): number {
  if (!Number.isInteger(value) || value < 1990 || value > 2100) {
    throw new BadUserInputError(`${argument} must be a year from 1990 to 2100`, argument);
  }
  return value;
}

/** A region-code prefix: 1 to 6 digits. */
export function requireRegionPrefix(value: string, argument: string): string {
  if (!/^\d{1,6}$/.test(value)) throw new BadUserInputError(`${argument} must be 1 to 6 digits of a region code`, argument);
  return value;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A calendar month written `YYYY-MM`. */
export function requireMonth(value: string, argument: string): string {
  if (!MONTH.test(value)) throw new BadUserInputError(`${argument} must be a month YYYY-MM`, argument);
  return value;
}
