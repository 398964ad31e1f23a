/**
 * An attacker on published tables, written apart from the hub's own audit
 * (src/modules/statistics/disclosure-control.ts) so that the tests do not
 * check the audit with itself: exact rational arithmetic (BigInt fractions)
 * on the additive relations a reader knows (a margin is the sum of its
 * cells), with every published value substituted. It returns the value of
 * each hidden cell that every solution shares — what the attacker rebuilds.
 */

/** What the attacker knows: the additive relations and the values it was shown. */
export interface AttackInput {
  /** total = Σ parts, over cell keys. */
  relations: readonly { total: string; parts: readonly string[] }[];
  /** Published cells and their values (integers: persons, or money in fen). */
  published: ReadonlyMap<string, bigint>;
  /** The hidden cells. */
  hidden: readonly string[];
}

interface Fraction {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
const norm = (n: bigint, d: bigint): Fraction => {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const sub = (a: Fraction, b: Fraction): Fraction => norm(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Fraction, b: Fraction): Fraction => norm(a.n * b.n, a.d * b.d);
const div = (a: Fraction, b: Fraction): Fraction => norm(a.n * b.d, a.d * b.n);
const ZERO: Fraction = { n: 0n, d: 1n };
const isZero = (a: Fraction) => a.n === 0n;

/** The hidden cells the attacker computes exactly, with their values. */
export function rebuildHiddenCells(input: AttackInput): Map<string, bigint> {
  const hidden = [...new Set(input.hidden)];
  const column = new Map(hidden.map((key, i) => [key, i]));
  const width = hidden.length;
  // Rows: coefficients over hidden cells, then the right-hand side.
  const rows: Fraction[][] = [];
  for (const { total, parts } of input.relations) {
    const row: Fraction[] = Array.from({ length: width + 1 }, () => ZERO);
    let touches = false;
    const term = (key: string, sign: bigint) => {
      const c = column.get(key);
      if (c !== undefined) {
        row[c] = norm(row[c]!.n + sign * row[c]!.d, row[c]!.d);
        touches = true;
      } else {
        // A cell neither hidden nor published is absent from the table: zero.
        const known = input.published.get(key) ?? 0n;
        row[width] = norm(row[width]!.n - sign * known * row[width]!.d, row[width]!.d);
      }
    };
    term(total, 1n);
    for (const part of parts) term(part, -1n);
    if (touches) rows.push(row);
  }
  const pivots: number[] = [];
  let rank = 0;
  for (let c = 0; c < width && rank < rows.length; c++) {
    const found = rows.findIndex((row, r) => r >= rank && !isZero(row[c]!));
    if (found < 0) continue;
    [rows[rank], rows[found]] = [rows[found]!, rows[rank]!];
    const pivot = rows[rank]!;
    const scale = pivot[c]!;
    for (let k = 0; k <= width; k++) pivot[k] = div(pivot[k]!, scale);
    for (let r = 0; r < rows.length; r++) {
      if (r === rank || isZero(rows[r]![c]!)) continue;
      const factor = rows[r]![c]!;
      for (let k = 0; k <= width; k++) rows[r]![k] = sub(rows[r]![k]!, mul(factor, pivot[k]!));
    }
    pivots[rank] = c;
    rank++;
  }
  const pivotColumns = new Set(pivots);
  const rebuilt = new Map<string, bigint>();
  for (let r = 0; r < rank; r++) {
    const row = rows[r]!;
    const determined = row.every((value, k) => k === width || k === pivots[r] || pivotColumns.has(k) || isZero(value));
    if (determined && row[width]!.d === 1n) rebuilt.set(hidden[pivots[r]!]!, row[width]!.n);
    else if (determined) rebuilt.set(hidden[pivots[r]!]!, row[width]!.n / row[width]!.d);
  }
  return rebuilt;
}
