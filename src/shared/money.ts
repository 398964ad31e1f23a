import { Decimal } from 'decimal.js';

/**
 * Money in 元 with two decimals. decimal.js end to end: a binary float never
 * holds an amount, so the rounding of the policies (half up to the fen) is exact.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

const AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;

/** True when `text` is an amount as the API accepts it: digits with at most two decimals. */
export function isAmount(text: string): boolean {
  return AMOUNT.test(text);
}

/** Parses an amount string strictly; throws `RangeError` on anything but `-?digits[.dd]`. */
export function parseMoney(text: string): Decimal {
  if (!isAmount(text)) throw new RangeError(`not an amount with at most two decimals: ${JSON.stringify(text)}`);
  return new Money(text);
}

/** Rounds to the fen, half up (domain.md §5.2 step 8). */
export function roundFen(value: Decimal.Value): Decimal {
  return new Money(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** The two-decimal string form used in JSON and GraphQL (`"7200.00"`). */
export function formatMoney(value: Decimal.Value): string {
  return roundFen(value).toFixed(2);
}

/** Zero, for accumulators. */
export const ZERO: Decimal = new Money(0);

/** The larger of two amounts. */
export function maxMoney(a: Decimal, b: Decimal): Decimal {
  return a.greaterThan(b) ? a : b;
}

/** The smaller of two amounts. */
export function minMoney(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}
