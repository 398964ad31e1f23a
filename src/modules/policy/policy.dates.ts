import { formatDate, parseDate } from '../../shared/dates.js';
import { PolicyInputError } from './policy.errors.js';
import type { IsoDate } from './policy.types.js';

/** True when `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  return parseDate(text) !== undefined;
}

/**
 * A date as the engine compares it. A `Date` is read as its UTC calendar day:
 * Prisma returns `@db.Date` columns at UTC midnight, and the status
 * repository's SQL cuts timestamps (revocations) at UTC day boundaries too.
 */
export function toIsoDate(value: Date | IsoDate, field: string): IsoDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new PolicyInputError(field, 'not a date');
    return formatDate(value);
  }
  if (!isIsoDate(value)) throw new PolicyInputError(field, `not a date YYYY-MM-DD: ${JSON.stringify(value)}`);
  return value;
}

function parts(date: IsoDate): [number, number, number] {
  return date.split('-').map(Number) as [number, number, number];
}

/** `date` shifted by whole calendar months; a day beyond the target month's end lands on its last day. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = parts(date);
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** Age in completed years (周岁) on `date`; someone born on 29 February turns a year older on 1 March in common years. */
export function ageOn(birthDate: IsoDate, date: IsoDate): number {
  const [by, bm, bd] = parts(birthDate);
  const [y, m, d] = parts(date);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The calendar year of a date. */
export function yearOf(date: IsoDate): number {
  return parts(date)[0];
}
