import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exposedCells,
  isPrimarySensitive,
  protectTable,
  type DisclosureCell,
  type Relation,
} from '../../../src/modules/statistics/disclosure-control.js';
import { familyKey, familyRelations, type FamilyCell } from '../../../src/modules/statistics/statistics.family.js';
import { rebuildHiddenCells } from '../../support/attacker.js';

/** A two-way table rows × columns with its row, column and grand totals, as cells and relations. */
function twoWayTable(values: number[][]): { cells: DisclosureCell[]; relations: Relation[]; value: Map<string, number> } {
  const value = new Map<string, number>();
  const relations: Relation[] = [];
  values.forEach((row, r) => {
    row.forEach((v, c) => value.set(`r${r}c${c}`, v));
    value.set(
      `r${r}`,
      row.reduce((a, b) => a + b, 0),
    );
    relations.push({ total: `r${r}`, parts: row.map((_, c) => `r${r}c${c}`) });
  });
  values[0]!.forEach((_, c) => {
    value.set(
      `c${c}`,
      values.reduce((a, row) => a + row[c]!, 0),
    );
    relations.push({ total: `c${c}`, parts: values.map((_, r) => `r${r}c${c}`) });
  });
  value.set(
    'all',
    [...value.entries()].filter(([k]) => /^r\d+$/.test(k)).reduce((a, [, v]) => a + v, 0),
  );
  relations.push({ total: 'all', parts: values.map((_, r) => `r${r}`) });
  relations.push({ total: 'all', parts: values[0]!.map((_, c) => `c${c}`) });
  return { cells: [...value].map(([key, persons]) => ({ key, persons })), relations, value };
}

/** What the independent attacker rebuilds from everything published. */
function attack(relations: Relation[], value: Map<string, number>, hidden: Set<string>): Map<string, bigint> {
  const published = new Map([...value].filter(([key]) => !hidden.has(key)).map(([key, v]) => [key, BigInt(v)]));
  return rebuildHiddenCells({ relations, published, hidden: [...hidden] });
}

describe('primary suppression', () => {
  it('hides cells of one to nine persons and shows zero and ten or more', () => {
    expect([0, 1, 5, 9, 10, 11, 500].map((n) => isPrimarySensitive(n))).toEqual([false, true, true, true, false, false, false]);
  });

  it('hides every cell of 1–9 persons of a table, margins included', () => {
    const { cells, relations } = twoWayTable([
      [3, 40],
      [50, 60],
    ]);
    const hidden = protectTable(cells, relations);
    expect(hidden.get('r0c0')).toBe('PRIMARY');
    expect(cells.filter((cell) => cell.persons > 0 && cell.persons < 10).every((cell) => hidden.has(cell.key))).toBe(true);
  });
});

describe('secondary suppression', () => {
  it('hides a complement in the row and the column of a lone small cell, so the margins do not give it back', () => {
    const { cells, relations, value } = twoWayTable([
      [3, 40, 25],
      [50, 60, 12],
      [70, 11, 90],
    ]);
    const hidden = protectTable(cells, relations);
    const secondary = [...hidden].filter(([, why]) => why === 'SECONDARY').map(([key]) => key);
    expect(secondary.length).toBeGreaterThanOrEqual(3);
    expect(exposedCells(relations, new Set(hidden.keys()))).toEqual([]);
    expect(attack(relations, value, new Set(hidden.keys())).has('r0c0')).toBe(false);
  });

  it('prefers the complement with the fewest persons behind it', () => {
    // One row with its total: the small cell 4 must be paired; 12 is the cheapest partner.
    const cells = [
      { key: 'a', persons: 4 },
      { key: 'b', persons: 12 },
      { key: 'c', persons: 80 },
      { key: 't', persons: 96 },
    ];
    const relations = [{ total: 't', parts: ['a', 'b', 'c'] }];
    expect(protectTable(cells, relations)).toEqual(
      new Map([
        ['a', 'PRIMARY'],
        ['b', 'SECONDARY'],
      ]),
    );
  });

  it('finds a cell that is exposed although every line holds two hidden cells (a bridge between two cycles)', () => {
    // Hidden cells form two 2×2 rectangles joined by one cell: the joining cell is determined by the margins.
    const { relations } = twoWayTable([
      [20, 20, 20, 20],
      [20, 20, 20, 20],
      [20, 20, 20, 20],
      [20, 20, 20, 20],
    ]);
    const hidden = new Set(['r0c0', 'r0c1', 'r1c0', 'r1c1', 'r1c2', 'r2c2', 'r2c3', 'r3c2', 'r3c3']);
    // r1c2 sits alone between the blocks; row 1 and column 2 each hold three hidden cells.
    const exposed = exposedCells(relations, hidden);
    expect(exposed).toContain('r1c2');
    const value = new Map<string, number>([
      ...twoWayTable([
        [20, 20, 20, 20],
        [20, 20, 20, 20],
        [20, 20, 20, 20],
        [20, 20, 20, 20],
      ]).value,
    ]);
    expect(attack(relations, value, hidden).get('r1c2')).toBe(20n);
  });

  it('leaves no hidden cell that an exact attacker rebuilds, on any two-way table with margins', () => {
    const table = fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 })).chain(([rows, columns]) =>
      fc.array(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 60 })), { minLength: columns, maxLength: columns }),
        {
          minLength: rows,
          maxLength: rows,
        },
      ),
    );
    fc.assert(
      fc.property(table, (values) => {
        const { cells, relations, value } = twoWayTable(values);
        const hidden = new Set(protectTable(cells, relations).keys());
        for (const cell of cells) if (isPrimarySensitive(cell.persons)) expect(hidden.has(cell.key)).toBe(true);
        expect(attack(relations, value, hidden).size).toBe(0);
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('gives the same pattern for the same table, whatever the order of its cells', () => {
    const { cells, relations } = twoWayTable([
      [3, 40, 25, 7],
      [50, 0, 12, 33],
      [70, 11, 90, 2],
    ]);
    const forward = protectTable(cells, relations);
    const backward = protectTable([...cells].reverse(), [...relations].reverse());
    expect(new Map([...backward].sort())).toEqual(new Map([...forward].sort()));
  });

  it('keeps fixed cells as decided elsewhere and never picks them as complements', () => {
    const cells = [
      { key: 'a', persons: 4 },
      { key: 'b', persons: 12 },
      { key: 'c', persons: 80 },
      { key: 't', persons: 96 },
    ];
    const relations = [{ total: 't', parts: ['a', 'b', 'c'] }];
    const hidden = protectTable(cells, relations, { fixed: new Map([['b', false]]) });
    expect(hidden.has('b')).toBe(false);
    expect(hidden.get('c')).toBe('SECONDARY');
  });
});

describe('table families over the region hierarchy', () => {
  // Two cities of a province, two counties each, crossed with two categories; persons per county and category.
  const counts: Record<string, Record<string, number>> = {
    '620702': { A: 30, B: 4 },
    '620721': { A: 25, B: 40 },
    '620802': { A: 6, B: 50 },
    '620821': { A: 44, B: 31 },
  };
  function family() {
    const persons = new Map<string, number>();
    const add = (cell: FamilyCell, n: number) => persons.set(familyKey(cell), (persons.get(familyKey(cell)) ?? 0) + n);
    for (const [county, byCategory] of Object.entries(counts)) {
      for (const region of ['62', county.slice(0, 4), county]) {
        for (const [category, n] of Object.entries(byCategory)) {
          add({ region, dimension: null, value: null }, n);
          add({ region, dimension: 'CATEGORY', value: category }, n);
        }
      }
    }
    const keys: FamilyCell[] = [...persons.keys()].map((key) => {
      const [region, rest] = key.split('|') as [string, string];
      const [dimension, value] = rest ? (rest.split('=') as [string, string]) : [null, null];
      return { region, dimension, value };
    });
    return { cells: keys, persons };
  }

  it('relates each node to its children and to its categories', () => {
    const { cells } = family();
    const relations = familyRelations(cells, () => true);
    expect(relations).toContainEqual({ total: '62|', parts: ['6207|', '6208|'] });
    expect(relations).toContainEqual({ total: '6207|CATEGORY=B', parts: ['620702|CATEGORY=B', '620721|CATEGORY=B'] });
    expect(relations).toContainEqual({ total: '620702|', parts: ['620702|CATEGORY=A', '620702|CATEGORY=B'] });
  });

  it('leaves no relation along a dimension the measure does not add up along', () => {
    const { cells } = family();
    const relations = familyRelations(cells, () => false);
    expect(
      relations.some((relation) => relation.parts.some((part) => part.includes('CATEGORY')) && !relation.total.includes('CATEGORY')),
    ).toBe(false);
  });

  it('protects the small counties of every level at once: no hidden cell is rebuilt from all the tables of the family', () => {
    const { cells, persons } = family();
    const relations = familyRelations(cells, () => true);
    const hidden = new Set(
      protectTable(
        [...persons].map(([key, n]) => ({ key, persons: n })),
        relations,
      ).keys(),
    );
    expect(hidden.has('620702|CATEGORY=B')).toBe(true);
    expect(hidden.has('620802|CATEGORY=A')).toBe(true);
    expect(attack(relations, persons, hidden).size).toBe(0);
  });
});
