import type { Relation } from './disclosure-control.js';

/**
 * The table family of a statistics measure (pure): every cell a client may
 * request under one root region, and the additive relations between them.
 * The published groupings are fixed: a cell is a region node (the root, or a
 * code below it at any level: 4-digit cities, 6-digit counties) crossed with
 * at most one other dimension value. Every request (any region prefix under
 * the root, by REGION and/or one dimension) is a slice of this family, so
 * the suppression decided on the whole family is the same in every request.
 */

/** One cell of a family: a region node, and a dimension with one of its values (both null for the node's total). */
export interface FamilyCell {
  region: string;
  dimension: string | null;
  value: string | null;
}

/** The key of a cell, unique in its family. */
export function familyKey(cell: FamilyCell): string {
  return cell.dimension === null ? `${cell.region}|` : `${cell.region}|${cell.dimension}=${cell.value ?? ''}`;
}

/** The level below a region prefix: provinces under the country (''), cities under a province, counties under a city. */
export function childLevel(region: string): number | null {
  if (region.length >= 6) return null;
  return region.length === 0 ? 2 : region.length + 2;
}

/** Whether `child` is a node directly below `parent`. */
export function isChildOf(child: string, parent: string): boolean {
  return child.length === childLevel(parent) && child.startsWith(parent);
}

/**
 * The additive relations of a family: each node equals the sum of its
 * children (for its total and for each dimension value), and each node's
 * total equals the sum over the values of a dimension where the measure adds
 * up along it (`additive`). Cells absent from `cells` count zero and are
 * known to be zero (a region or value with nothing in it is not listed).
 */
export function familyRelations(cells: readonly FamilyCell[], additive: (dimension: string) => boolean): Relation[] {
  const byColumn = new Map<string, FamilyCell[]>();
  const byNode = new Map<string, FamilyCell[]>();
  for (const cell of cells) {
    const column = cell.dimension === null ? '' : `${cell.dimension}=${cell.value ?? ''}`;
    push(byColumn, column, cell);
    if (cell.dimension !== null) push(byNode, `${cell.region}|${cell.dimension}`, cell);
  }
  const relations: Relation[] = [];
  for (const column of byColumn.values()) {
    const regions = new Set(column.map((cell) => cell.region));
    for (const cell of column) {
      const children = [...regions].filter((region) => isChildOf(region, cell.region)).sort();
      if (children.length === 0) continue;
      relations.push({ total: familyKey(cell), parts: children.map((region) => familyKey({ ...cell, region })) });
    }
  }
  for (const [nodeDimension, members] of byNode) {
    const [region, dimension] = nodeDimension.split('|') as [string, string];
    if (!additive(dimension)) continue;
    relations.push({
      total: familyKey({ region, dimension: null, value: null }),
      parts: members.map(familyKey).sort(),
    });
  }
  return relations;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
