import type { DisclosureCell, Relation } from './disclosure-control.js';
import { familyKey, familyRelations, type FamilyCell } from './statistics.family.js';
import { MEASURES, type StatisticsMeasure } from './statistics.measures.js';

/**
 * The joint disclosure problem of a measure group (pure): measures whose
 * cells share coordinates and are tied by arithmetic are protected together,
 * or a cell hidden in one could come back through another (a burden rate's
 * numerator is the out-of-pocket sum; outflows are assistance + tilt +
 * subsidies; a coverage rate's denominator is a count of persons). Each
 * published quantity of each measure is a cell `MEASURE.quantity/coordinates`;
 * the relations are each measure's family relations plus the identities
 * between measures; the quantities of one coordinate share one fate (links).
 */

/** A quantity a measure publishes: its value, or a rate's numerator and denominator. */
export type Quantity = 'value' | 'numerator' | 'denominator';

/** The quantities a measure publishes. */
export function quantitiesOf(measure: StatisticsMeasure): Quantity[] {
  return MEASURES[measure].kind === 'RATE' ? ['numerator', 'denominator'] : ['value'];
}

/** The key of one quantity of one cell of one measure. */
export function quantityKey(measure: StatisticsMeasure, quantity: Quantity, cell: FamilyCell): string {
  return `${measure}.${quantity}/${familyKey(cell)}`;
}

/** A family cell with the persons behind it. */
export interface CountedCell extends FamilyCell {
  persons: number;
}

/**
 * The identities between measures, over the coordinates present:
 * outflow = assistance + tilt + subsidies (totals and months), inflow =
 * carry-over numerator + outflow (inflows are published: known), out-of-pocket =
 * burden numerator, persons of a category = coverage denominator, a region's
 * persons = coverage denominator + persons in no category, coverage numerator
 * = subsidised-enrollment denominator.
 */
function identities(coordinates: readonly FamilyCell[]): Relation[] {
  const q = quantityKey;
  const relations: Relation[] = [];
  for (const cell of coordinates) {
    if (cell.dimension === null || cell.dimension === 'MONTH') {
      relations.push({
        total: q('FUND_OUTFLOW', 'value', cell),
        parts: [q('ASSISTANCE_PAID', 'value', cell), q('TILT_PAID', 'value', cell), q('SUBSIDY_PAID', 'value', cell)],
      });
    }
    if (cell.dimension === null) {
      relations.push({
        total: q('FUND_INFLOW', 'value', cell),
        parts: [q('CARRY_OVER_RATE', 'numerator', cell), q('FUND_OUTFLOW', 'value', cell)],
      });
      relations.push({
        total: q('PERSONS', 'value', cell),
        parts: [q('COVERAGE_RATE', 'denominator', cell), q('PERSONS', 'value', { ...cell, dimension: 'CATEGORY', value: 'NONE' })],
      });
    }
    if (cell.dimension === 'CATEGORY' && cell.value !== 'NONE') {
      relations.push({ total: q('PERSONS', 'value', cell), parts: [q('COVERAGE_RATE', 'denominator', cell)] });
    }
    relations.push({ total: q('OUT_OF_POCKET', 'value', cell), parts: [q('BURDEN_RATE', 'numerator', cell)] });
    relations.push({ total: q('COVERAGE_RATE', 'numerator', cell), parts: [q('SUBSIDISED_ENROLLMENT_RATE', 'denominator', cell)] });
  }
  return relations;
}

/** The cells, relations and links of a group, from each measure's family cells. */
export function groupProblem(families: ReadonlyMap<StatisticsMeasure, readonly CountedCell[]>): {
  cells: DisclosureCell[];
  relations: Relation[];
  links: Map<string, string[]>;
} {
  const cells: DisclosureCell[] = [];
  const relations: Relation[] = [];
  const byCoordinate = new Map<string, string[]>();
  const coordinates = new Map<string, FamilyCell>();
  for (const [measure, family] of families) {
    const spec = MEASURES[measure];
    const familyRelationsOf = familyRelations(family, (dimension) => (spec.additive as readonly string[]).includes(dimension));
    for (const quantity of quantitiesOf(measure)) {
      const prefix = `${measure}.${quantity}/`;
      for (const cell of family) {
        const key = prefix + familyKey(cell);
        cells.push({ key, persons: cell.persons });
        const coordinate = familyKey(cell);
        coordinates.set(coordinate, cell);
        const list = byCoordinate.get(coordinate);
        if (list) list.push(key);
        else byCoordinate.set(coordinate, [key]);
      }
      for (const relation of familyRelationsOf) {
        relations.push({ total: prefix + relation.total, parts: relation.parts.map((part) => prefix + part) });
      }
    }
  }
  // Identities only among measures of this group: a key of a measure outside it is a published, known value.
  const present = new Set(cells.map((cell) => cell.key));
  for (const identity of identities([...coordinates.values()])) {
    const keys = [identity.total, ...identity.parts];
    if (keys.some((key) => present.has(key)) && keys.filter((key) => present.has(key)).length >= 1) relations.push(identity);
  }
  const links = new Map<string, string[]>();
  for (const keys of byCoordinate.values())
    for (const key of keys)
      links.set(
        key,
        keys.filter((other) => other !== key),
      );
  return { cells, relations, links };
}
