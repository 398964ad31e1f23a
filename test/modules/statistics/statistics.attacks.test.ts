import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../../src/modules/seed/seed.service.js';
import { StatisticsDocument, type StatisticsInput, type StatisticsQuery } from '../../generated/operations.js';
import { rebuildHiddenCells } from '../../support/attacker.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

/**
 * An analyst who tries its luck: it asks many overlapping tables, writes
 * down every relation a reader knows (a margin is the sum of its cells, a
 * city of its counties, a burden rate's numerator is the out-of-pocket sum)
 * and solves for the hidden cells exactly (test/support/attacker.ts, apart
 * from the hub's own audit). Each attack is first run against the true
 * tables with one small cell hidden alone, to show that it rebuilds it
 * there; against the hub it must rebuild none.
 */

let hub: TestHub;
let analyst: string;
let casework: string;
const COUNTIES = ['620702', '620721', '620722', '620723', '620724', '620725'];

beforeAll(async () => {
  hub = await startTestHub();
  await seed(hub.pool, { persons: 3000, region: '620700', year: 2024, seed: 29 });
  analyst = (await hub.client('ANALYST', '6207')).token;
  casework = (await hub.client('MEDICAL_INSURANCE', '6207')).token;
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

type Table = StatisticsQuery['statistics'];
type Cell = Table['cells'][number];

async function ask(token: string, input: StatisticsInput): Promise<Table> {
  const purpose = token === analyst ? 'POLICY_EVALUATION' : 'ASSISTANCE_ELIGIBILITY';
  const response = await hub.request(StatisticsDocument, { input }, { token, purpose });
  expect(response.errors).toBeUndefined();
  return response.data!.statistics;
}

/** The coordinate of a published cell: region node, and its dimension value if any. */
function coordinate(table: Table, cell: Cell): string {
  const region = cell.region ?? table.regionPrefix;
  const dimension = table.by.find((d) => d !== 'REGION' && !cell.margin.includes(d));
  if (!dimension) return `${region}|`;
  const values: Record<string, unknown> = {
    CATEGORY: cell.category ?? 'NONE',
    MONTH: String(cell.month),
    VISIT_TYPE: cell.visitType,
    OUTCOME: cell.outcome,
    FUND_LEVEL: cell.fundLevel,
  };
  const value = String(values[dimension]);
  return `${region}|${dimension}=${value}`;
}

/** What the attacker holds: every quantity seen, by key, hidden or with its value (in fen, or persons). */
class Notebook {
  readonly values = new Map<string, bigint>();
  readonly hidden = new Set<string>();
  readonly coordinates = new Set<string>();

  note(table: Table, quantity: 'value' | 'numerator' = 'value') {
    for (const cell of [...table.cells, table.total]) {
      const at = coordinate(table, cell);
      const key = `${table.measure}.${quantity}/${at}`;
      this.coordinates.add(at);
      const shown = quantity === 'value' ? cell.value : cell.numerator;
      if (cell.suppressed) {
        expect(this.values.has(key), `${key} shown elsewhere`).toBe(false);
        this.hidden.add(key);
      } else {
        const fen = BigInt(Math.round(Number(shown) * 100));
        // The same cell has the same value in every request.
        if (this.values.has(key)) expect(this.values.get(key)).toBe(fen);
        expect(this.hidden.has(key), `${key} hidden elsewhere`).toBe(false);
        this.values.set(key, fen);
      }
    }
  }

  /** Every relation a reader knows between the keys seen, for `measure`'s additive dimensions. */
  relations(measure: string, quantity = 'value', additive: readonly string[]) {
    const key = (at: string) => `${measure}.${quantity}/${at}`;
    const coordinates = [...this.coordinates];
    const relations: { total: string; parts: string[] }[] = [];
    for (const at of coordinates) {
      const [region, rest] = at.split('|') as [string, string];
      const children = coordinates.filter((other) => {
        const [child, childRest] = other.split('|') as [string, string];
        return childRest === rest && child.length === (region.length === 0 ? 2 : region.length + 2) && child.startsWith(region);
      });
      if (children.length) relations.push({ total: key(at), parts: children.map(key) });
      if (rest === '') {
        for (const dimension of additive) {
          const parts = coordinates.filter((other) => other.startsWith(`${region}|${dimension}=`));
          if (parts.length) relations.push({ total: key(at), parts: parts.map(key) });
        }
      }
    }
    return relations;
  }
}

/** The attacker's result against a notebook, and against the true tables with one small cell hidden alone. */
function attack(
  notebook: Notebook,
  truth: Notebook,
  relations: { total: string; parts: string[] }[],
  isSmall: (key: string) => boolean,
): { rebuilt: Map<string, bigint>; naive: Map<string, bigint> } {
  const rebuilt = rebuildHiddenCells({ relations, published: notebook.values, hidden: [...notebook.hidden] });
  // The attacker at work: a small cell hidden with no complement comes straight back.
  const lone = [...truth.values.keys()].filter(isSmall).sort()[0]!;
  const naive = rebuildHiddenCells({ relations, published: new Map([...truth.values].filter(([key]) => key !== lone)), hidden: [lone] });
  expect(naive.get(lone)).toBe(truth.values.get(lone));
  return { rebuilt, naive };
}

describe('an analyst attacking the published tables', () => {
  it('cannot rebuild a hidden cell from the margins and total of the same table', async () => {
    const input: StatisticsInput = { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['REGION', 'CATEGORY'] };
    const notebook = new Notebook();
    notebook.note(await ask(analyst, input));
    const truth = new Notebook();
    const exact = await ask(casework, input);
    truth.note(exact);
    const persons = new Map([...exact.cells, exact.total].map((cell) => [`PERSONS.value/${coordinate(exact, cell)}`, cell.persons!]));
    const small = (key: string) => persons.get(key)! > 0 && persons.get(key)! < 10;
    expect([...persons.keys()].some(small)).toBe(true);
    const { rebuilt, naive } = attack(notebook, truth, notebook.relations('PERSONS', 'value', ['CATEGORY']), small);
    expect(naive.size).toBeGreaterThan(0);
    expect([...notebook.hidden].some(small)).toBe(true);
    expect(rebuilt).toEqual(new Map());
  });

  it('cannot rebuild one from the tables of each single dimension and of each county (overlapping regions)', async () => {
    const notebook = new Notebook();
    const truth = new Notebook();
    const inputs: StatisticsInput[] = [
      { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['REGION', 'CATEGORY'] },
      { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['REGION'] },
      { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['CATEGORY'] },
      ...COUNTIES.map((county): StatisticsInput => ({ measure: 'PERSONS', year: 2024, regionPrefix: county, by: ['CATEGORY'] })),
    ];
    const persons = new Map<string, number>();
    for (const input of inputs) {
      notebook.note(await ask(analyst, input));
      const exact = await ask(casework, input);
      truth.note(exact);
      for (const cell of [...exact.cells, exact.total]) persons.set(`PERSONS.value/${coordinate(exact, cell)}`, cell.persons!);
    }
    const small = (key: string) => persons.get(key)! > 0 && persons.get(key)! < 10;
    const { rebuilt, naive } = attack(notebook, truth, notebook.relations('PERSONS', 'value', ['CATEGORY']), small);
    expect(naive.size).toBeGreaterThan(0);
    expect(rebuilt).toEqual(new Map());
  });

  it('cannot rebuild one by differencing a month and the year, a county and its city, with and without a category, or through another measure', async () => {
    const notebook = new Notebook();
    const truth = new Notebook();
    const persons = new Map<string, number>();
    const gather = async (input: StatisticsInput, quantity: 'value' | 'numerator' = 'value') => {
      notebook.note(await ask(analyst, input), quantity);
      const exact = await ask(casework, input);
      truth.note(exact, quantity);
      for (const cell of [...exact.cells, exact.total])
        persons.set(`${exact.measure}.${quantity}/${coordinate(exact, cell)}`, cell.persons!);
    };
    for (const by of [['REGION'], ['REGION', 'MONTH'], ['MONTH'], ['REGION', 'CATEGORY'], ['CATEGORY']] as StatisticsInput['by'][]) {
      await gather({ measure: 'OUT_OF_POCKET', year: 2024, regionPrefix: '6207', by });
    }
    for (const county of COUNTIES) {
      await gather({ measure: 'OUT_OF_POCKET', year: 2024, regionPrefix: county, by: ['MONTH'] });
      await gather({ measure: 'OUT_OF_POCKET', year: 2024, regionPrefix: county, by: ['CATEGORY'] });
    }
    // The burden rate's numerator is the out-of-pocket sum of the same cell.
    await gather({ measure: 'BURDEN_RATE', year: 2024, regionPrefix: '6207', by: ['REGION', 'CATEGORY'] }, 'numerator');
    await gather({ measure: 'BURDEN_RATE', year: 2024, regionPrefix: '6207', by: ['REGION', 'MONTH'] }, 'numerator');
    const relations = [
      ...notebook.relations('OUT_OF_POCKET', 'value', ['MONTH', 'CATEGORY']),
      ...notebook.relations('BURDEN_RATE', 'numerator', ['MONTH', 'CATEGORY']),
      ...[...notebook.coordinates].map((at) => ({ total: `OUT_OF_POCKET.value/${at}`, parts: [`BURDEN_RATE.numerator/${at}`] })),
    ];
    const small = (key: string) => persons.get(key)! > 0 && persons.get(key)! < 10;
    expect([...persons.keys()].some(small)).toBe(true);
    const { rebuilt, naive } = attack(notebook, truth, relations, small);
    expect(naive.size).toBeGreaterThan(0);
    expect(rebuilt).toEqual(new Map());
  });
});
