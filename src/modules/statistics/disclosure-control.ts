/**
 * Statistical disclosure control for the statistics the hub publishes to
 * FINANCE and ANALYST (access-policy.md §1: "cells under 10 people hidden";
 * domain.md §6). Pure functions, no I/O: the statistics service computes a
 * table family in PostgreSQL, hands its cells and additive relations here,
 * and publishes what comes back. docs/disclosure-control.md gives the threat
 * model and why this stops the attacks of the tests.
 *
 * The method follows τ-ARGUS and sdcTable: a primary suppression rule on each
 * cell, then complementary (secondary) suppression until an attacker who
 * knows every published cell and every additive relation of the table family
 * (margins, totals, the hierarchy of regions) cannot compute any suppressed
 * cell exactly. The audit is sdcTable's "no suppressed cell is a linear
 * function of the published ones": a suppressed cell is exposed exactly when
 * its unit vector lies in the row space of the relations restricted to the
 * suppressed cells.
 */

/** The fewest persons a published non-zero cell may count (access-policy.md §1). */
export const MIN_PERSONS = 10;

/** The name of the method, stated in every answer. */
export const DISCLOSURE_METHOD =
  'fixed-groupings/suppression-v1: primary suppression of cells of 1-9 persons, complementary suppression audited so that no ' +
  'suppressed cell is a linear function of the cells published for the same table family (margins, single-dimension tables, ' +
  'region hierarchy); see docs/disclosure-control.md';

/** The method stated to casework agencies, who may see small cells within their rows. */
export const UNPROTECTED_METHOD = 'none: casework agency within its rows (access-policy.md §1), cells shown as counted';

/** One cell of a table family: its key and the number of distinct persons behind it. */
export interface DisclosureCell {
  key: string;
  persons: number;
}

/** An additive relation of the family: the cell `total` equals the sum of the cells `parts`. */
export interface Relation {
  total: string;
  parts: readonly string[];
}

/** Why a cell is hidden. */
export type Suppression = 'PRIMARY' | 'SECONDARY';

/** Whether a cell counting `persons` persons must be hidden on its own: 1–9 persons (zero may show). */
export function isPrimarySensitive(persons: number, minPersons = MIN_PERSONS): boolean {
  return persons > 0 && persons < minPersons;
}

/**
 * The suppressed cells an attacker can compute exactly from the published
 * cells and the relations: those whose value is the same in every solution
 * of the relations with the published cells fixed. Works component by
 * component (suppressed cells linked through relations), with Gaussian
 * elimination to reduced row echelon form: a suppressed cell is exposed when
 * its column is a pivot whose row has no entry in a free column.
 */
export function exposedCells(relations: readonly Relation[], suppressed: ReadonlySet<string>): string[] {
  // Each relation as a signed combination of its suppressed cells: total − Σ parts = (published terms).
  const rows: Map<string, number>[] = [];
  for (const relation of relations) {
    const row = new Map<string, number>();
    const add = (key: string, coefficient: number) => {
      if (!suppressed.has(key)) return;
      const next = (row.get(key) ?? 0) + coefficient;
      if (next === 0) row.delete(key);
      else row.set(key, next);
    };
    add(relation.total, 1);
    for (const part of relation.parts) add(part, -1);
    if (row.size > 0) rows.push(row);
  }
  const exposed: string[] = [];
  for (const component of components(rows)) exposed.push(...exposedInComponent(component));
  return exposed.sort();
}

/** Splits the relations into groups that share no suppressed cell. */
function components(rows: Map<string, number>[]): Map<string, number>[][] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = key;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const row of rows) {
    const keys = [...row.keys()];
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    for (const key of keys.slice(1)) parent.set(find(key), find(keys[0]!));
  }
  const groups = new Map<string, Map<string, number>[]>();
  for (const row of rows) {
    const root = find(row.keys().next().value as string);
    const group = groups.get(root);
    if (group) group.push(row);
    else groups.set(root, [row]);
  }
  return [...groups.values()];
}

const EPSILON = 1e-9;

function exposedInComponent(rows: Map<string, number>[]): string[] {
  // Sparse reduced row echelon form, row by row: each pivot row holds its pivot (coefficient 1) and free columns only.
  // The relations of these tables are network-like (entries 0 and ±1, kept so by pivoting), so the floating-point
  // arithmetic stays exact in practice; entries under EPSILON are dropped as zero.
  const pivots = new Map<string, Map<string, number>>();
  for (const original of rows) {
    const row = new Map(original);
    // A pivot row holds no other pivot column, so substituting each pivot present once leaves none.
    for (const column of [...row.keys()]) {
      const factor = row.get(column);
      const pivot = pivots.get(column);
      if (factor === undefined || !pivot) continue;
      for (const [c, v] of pivot) addTo(row, c, -factor * v);
    }
    if (row.size === 0) continue;
    let column = '';
    let best = 0;
    for (const [c, v] of row)
      if (Math.abs(v) > best + EPSILON || (Math.abs(v - best) <= EPSILON && c < column)) [column, best] = [c, Math.abs(v)];
    const scale = row.get(column)!;
    for (const [c, v] of row) row.set(c, v / scale);
    for (const pivot of pivots.values()) {
      const factor = pivot.get(column);
      if (factor === undefined) continue;
      for (const [c, v] of row) addTo(pivot, c, -factor * v);
    }
    pivots.set(column, row);
  }
  return [...pivots].filter(([, row]) => row.size === 1).map(([column]) => column);
}

function addTo(row: Map<string, number>, column: string, value: number): void {
  const next = (row.get(column) ?? 0) + value;
  if (Math.abs(next) < EPSILON) row.delete(column);
  else row.set(column, next);
}

/** Options of {@link protectTable}. */
export interface ProtectionOptions {
  /** The fewest persons a published non-zero cell may count; default {@link MIN_PERSONS}. */
  minPersons?: number;
  /**
   * Cells whose fate is decided elsewhere (a parent table): `true` = hidden,
   * `false` = published. They are never chosen as complements.
   */
  fixed?: ReadonlyMap<string, boolean>;
  /**
   * Cells that share one fate: the quantities of one coordinate across measures linked by arithmetic (a rate's
   * numerator and another measure's value). Hiding one hides the others, with the same reason.
   */
  links?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Decides which cells of a table family are hidden: every cell of 1–9
 * persons (primary), then complements until {@link exposedCells} finds none
 * (secondary). A complement is taken from the relations of an exposed cell:
 * a published part before a total, a non-zero cell before a zero one, then
 * the fewest persons behind it, then by key, so the information lost is small and
 * the choice is the same for the same data. The result depends only on the
 * cells and relations given: the same family always gets the same pattern.
 */
export function protectTable(
  cells: readonly DisclosureCell[],
  relations: readonly Relation[],
  options: ProtectionOptions = {},
): Map<string, Suppression> {
  const minPersons = options.minPersons ?? MIN_PERSONS;
  const persons = new Map(cells.map((cell) => [cell.key, cell.persons]));
  const fixed = options.fixed ?? new Map<string, boolean>();
  const links = options.links ?? new Map<string, readonly string[]>();
  const result = new Map<string, Suppression>();
  const hide = (key: string, why: Suppression) => {
    for (const linked of [key, ...(links.get(key) ?? [])]) if (!result.has(linked)) result.set(linked, why);
  };
  for (const cell of cells) {
    const pinned = fixed.get(cell.key);
    if (pinned === true || (pinned === undefined && isPrimarySensitive(cell.persons, minPersons))) hide(cell.key, 'PRIMARY');
  }
  const relationsOf = new Map<string, Relation[]>();
  for (const relation of relations) {
    for (const key of [relation.total, ...relation.parts]) {
      const list = relationsOf.get(key);
      if (list) list.push(relation);
      else relationsOf.set(key, [relation]);
    }
  }
  const hidden = new Set(result.keys());
  for (;;) {
    const exposed = exposedCells(relations, hidden);
    if (exposed.length === 0) return result;
    const added = new Set<string>();
    for (const key of exposed) {
      // One complement per exposed cell, unless one added in this round already sits in its relations.
      const related = relationsOf.get(key) ?? [];
      if (related.some((relation) => [relation.total, ...relation.parts].some((k) => added.has(k)))) continue;
      // When every cell of its own relations is hidden already, widen to the relations of any hidden cell.
      const complement =
        chooseComplement(related, hidden, fixed, persons) ??
        chooseComplement(
          relations.filter((relation) => [relation.total, ...relation.parts].some((k) => hidden.has(k))),
          hidden,
          fixed,
          persons,
        );
      if (complement === null) throw new Error(`no complement can protect cell ${key}`);
      hide(complement, 'SECONDARY');
      for (const linked of [complement, ...(links.get(complement) ?? [])]) {
        hidden.add(linked);
        added.add(linked);
      }
    }
  }
}

function chooseComplement(
  related: readonly Relation[],
  hidden: ReadonlySet<string>,
  fixed: ReadonlyMap<string, boolean>,
  persons: ReadonlyMap<string, number>,
): string | null {
  let best: { key: string; rank: [number, number, number] } | null = null;
  for (const relation of related) {
    const candidates: [string, number][] = [[relation.total, 1], ...relation.parts.map((part): [string, number] => [part, 0])];
    for (const [key, isTotal] of candidates) {
      if (hidden.has(key) || fixed.has(key)) continue;
      const count = persons.get(key) ?? 0;
      // Margins are what readers use most: a part before a total, then a non-zero cell, then the fewest persons.
      const rank: [number, number, number] = [isTotal, count === 0 ? 1 : 0, count];
      if (!best || compareRank(rank, best.rank, key, best.key) < 0) best = { key, rank };
    }
  }
  return best?.key ?? null;
}

function compareRank(a: [number, number, number], b: [number, number, number], keyA: string, keyB: string): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}
