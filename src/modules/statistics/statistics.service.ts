import type { Decimal } from 'decimal.js';
import { ROW_SCOPE } from '../../auth/access-policy.js';
import type { Principal } from '../../auth/principal.js';
import { formatDate } from '../../shared/dates.js';
import { BadUserInputError, ForbiddenError } from '../../shared/errors.js';
import { Money } from '../../shared/money.js';
import { requireYear } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import { DISCLOSURE_METHOD, protectTable, UNPROTECTED_METHOD, type Suppression } from './disclosure-control.js';
import { childLevel, familyKey, isChildOf, type FamilyCell } from './statistics.family.js';
import { groupProblem, quantitiesOf, quantityKey } from './statistics.group.js';
import {
  DIMENSION_ORDER,
  MEASURES,
  measureGroup,
  type StatisticsDimension,
  type StatisticsMeasure,
  type ValueDimension,
} from './statistics.measures.js';
import type { FamilyRow, StatisticsRepository } from './statistics.repository.js';
import type { StatisticsCell, StatisticsInput, StatisticsTable } from './statistics.type.js';

/** Agencies that see their rows' statistics unprotected (access-policy.md §1); FINANCE and ANALYST get protected ones. */
const CASEWORK = new Set(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION']);
const PROTECTED = new Set(['FINANCE', 'ANALYST']);

/** A request after validation. */
interface Request {
  measure: StatisticsMeasure;
  year: number;
  regionPrefix: string;
  asOf: string;
  byRegion: boolean;
  dimension: ValueDimension | null;
}

/** The statistics of one client: validation, the family, its protection, the slice asked for, the release. */
export class StatisticsService {
  constructor(
    private readonly repository: StatisticsRepository,
    private readonly principal: Principal,
    private readonly auditWriter: AuditWriter,
  ) {}

  /** The table `input` asks for, as this client may see it; kept as a release and named in the audit entry. */
  async table(input: StatisticsInput): Promise<StatisticsTable> {
    const request = this.validate(input);
    const protect = PROTECTED.has(this.principal.agency);
    if (!protect && !CASEWORK.has(this.principal.agency)) throw new ForbiddenError('statistics are not part of this client’s view');
    // FINANCE and ANALYST: the whole family below the jurisdiction, so every request is a slice of one protected family.
    const root = protect ? this.principal.jurisdiction : request.regionPrefix;
    const levels = protect ? levelsBelow(root, 6) : levelsBelow(root, childLevel(root) ?? root.length);
    const ruralOnly = ROW_SCOPE[this.principal.agency] === 'JURISDICTION_RURAL';
    const family = (measure: StatisticsMeasure, dimensions: readonly ValueDimension[]) =>
      this.repository.family({ measure, year: request.year, asOf: request.asOf, root, levels, dimensions, ruralOnly });
    let rows: FamilyRow[];
    const hidden = new Map<string, Suppression>();
    if (protect) {
      // The whole group of linked measures, so that no other measure's cells give a hidden one back.
      const group = measureGroup(request.measure);
      const families = new Map<StatisticsMeasure, FamilyRow[]>();
      for (const measure of group) families.set(measure, await family(measure, MEASURES[measure].dimensions));
      rows = families.get(request.measure)!;
      const problem = groupProblem(families);
      const pattern = protectTable(problem.cells, problem.relations, { links: problem.links });
      const [quantity] = quantitiesOf(request.measure);
      for (const row of rows) {
        const why = pattern.get(quantityKey(request.measure, quantity!, row));
        if (why) hidden.set(familyKey(row), why);
      }
    } else {
      rows = await family(request.measure, request.dimension ? [request.dimension] : []);
    }
    const cells = new Map(rows.map((row) => [familyKey(row), row]));
    const table = this.slice(request, cells, hidden, protect ? DISCLOSURE_METHOD : UNPROTECTED_METHOD);
    const release = await this.repository.release({
      clientId: this.principal.clientId,
      agency: this.principal.agency,
      request: { ...request },
      method: table.method,
      cells: [...table.cells, table.total].map(publishedCell),
    });
    this.auditWriter.record({ fields: [`StatisticsRelease:${release.id}:sha256=${release.digest}`] });
    return table;
  }

  private validate(input: StatisticsInput): Request {
    const year = requireYear(input.year, 'input.year');
    const regionPrefix = input.regionPrefix;
    if (!/^(\d{2}){0,3}$/.test(regionPrefix)) {
      throw new BadUserInputError('regionPrefix must be "" or 2, 4 or 6 digits of a region code', 'input.regionPrefix');
    }
    if (!regionPrefix.startsWith(this.principal.jurisdiction)) {
      throw new BadUserInputError('regionPrefix must lie within the client’s jurisdiction', 'input.regionPrefix');
    }
    const spec = MEASURES[input.measure];
    if (new Set(input.by).size !== input.by.length) throw new BadUserInputError('by names a dimension twice', 'input.by');
    const others = input.by.filter((dimension): dimension is ValueDimension => dimension !== 'REGION');
    if (others.length > 1) {
      throw new BadUserInputError('by holds REGION and at most one other dimension (fixed published groupings)', 'input.by');
    }
    const dimension = others[0] ?? null;
    if (dimension && !spec.dimensions.includes(dimension)) {
      throw new BadUserInputError(
        `${input.measure} cannot be cut by ${dimension}; it can by REGION, ${spec.dimensions.join(', ')}`,
        'input.by',
      );
    }
    const byRegion = input.by.includes('REGION');
    if (byRegion && childLevel(regionPrefix) === null) {
      throw new BadUserInputError('a county has no region level below it: leave REGION out of by', 'input.by');
    }
    const asOf = input.asOf ? formatDate(input.asOf) : `${year}-12-31`;
    if (!asOf.startsWith(`${year}-`) || !isMonthEnd(asOf)) {
      throw new BadUserInputError(
        'asOf must be the last day of a month of year (month-end snapshots are the published grouping)',
        'input.asOf',
      );
    }
    return { measure: input.measure, year, regionPrefix, asOf, byRegion, dimension };
  }

  private slice(request: Request, cells: Map<string, FamilyRow>, hidden: Map<string, Suppression>, method: string): StatisticsTable {
    const spec = MEASURES[request.measure];
    const { regionPrefix: prefix, dimension } = request;
    const children = request.byRegion
      ? [...new Set([...cells.values()].map((row) => row.region))].filter((region) => isChildOf(region, prefix)).sort()
      : [];
    const values = dimension
      ? DIMENSION_ORDER[dimension].filter((value) => cells.has(familyKey({ region: prefix, dimension, value })))
      : [];
    const make = (cell: FamilyCell, margin: StatisticsDimension[]) =>
      this.cell(request, cell, margin, cells.get(familyKey(cell)), hidden.get(familyKey(cell)));
    const list: StatisticsCell[] = [];
    if (request.byRegion && dimension) {
      for (const region of children) for (const value of values) list.push(make({ region, dimension, value }, []));
      for (const region of children) list.push(make({ region, dimension: null, value: null }, [dimension]));
      for (const value of values) list.push(make({ region: prefix, dimension, value }, ['REGION']));
    } else if (request.byRegion) {
      for (const region of children) list.push(make({ region, dimension: null, value: null }, []));
    } else if (dimension) {
      for (const value of values) list.push(make({ region: prefix, dimension, value }, []));
    }
    const total = make(
      { region: prefix, dimension: null, value: null },
      request.byRegion ? ['REGION', ...(dimension ? [dimension] : [])] : dimension ? [dimension] : [],
    );
    total.region = prefix;
    return {
      measure: request.measure,
      year: request.year,
      regionPrefix: prefix,
      asOf: new Date(`${request.asOf}T00:00:00.000Z`),
      by: [...(request.byRegion ? (['REGION'] as const) : []), ...(dimension ? [dimension] : [])],
      definition: spec.definition,
      numeratorDefinition: spec.numerator ?? null,
      denominatorDefinition: spec.denominator ?? null,
      target: spec.target ? { ...spec.target, percent: new Money(spec.target.percent) } : null,
      cells: list,
      total,
      method,
    };
  }

  private cell(
    request: Request,
    coordinates: FamilyCell,
    margin: StatisticsDimension[],
    row: FamilyRow | undefined,
    suppression: Suppression | undefined,
  ): StatisticsCell {
    const spec = MEASURES[request.measure];
    const value = (dimension: ValueDimension) => (coordinates.dimension === dimension ? coordinates.value : null);
    const category = value('CATEGORY');
    const base: StatisticsCell = {
      region: margin.includes('REGION') ? null : coordinates.region,
      category: category === 'NONE' ? null : (category as StatisticsCell['category']),
      month: value('MONTH') === null ? null : Number(value('MONTH')),
      visitType: value('VISIT_TYPE') as StatisticsCell['visitType'],
      outcome: value('OUTCOME') as StatisticsCell['outcome'],
      fundLevel: value('FUND_LEVEL') as StatisticsCell['fundLevel'],
      margin,
      value: null,
      persons: null,
      numerator: null,
      denominator: null,
      meetsTarget: null,
      suppressed: suppression !== undefined,
    };
    if (suppression) return base;
    const persons = row?.persons ?? 0;
    let amount: Decimal | null;
    let numerator: Decimal | null = null;
    let denominator: Decimal | null = null;
    switch (spec.kind) {
      case 'PERSONS':
        amount = new Money(persons);
        break;
      case 'AMOUNT':
      case 'COUNT':
        amount = new Money(row?.amount ?? 0);
        break;
      case 'RATE':
        numerator = new Money(row?.numerator ?? 0);
        denominator = new Money(row?.denominator ?? 0);
        amount = denominator.isZero() ? null : numerator.div(denominator).times(100).toDecimalPlaces(2, Money.ROUND_HALF_UP);
        break;
    }
    const target = spec.target;
    const meetsTarget =
      target && amount !== null ? (target.comparator === 'AT_LEAST' ? amount.gte(target.percent) : amount.lte(target.percent)) : null;
    return { ...base, value: amount, persons, numerator, denominator, meetsTarget };
  }
}

/** The region levels (code lengths) from below `root` down to `deepest`. */
function levelsBelow(root: string, deepest: number): number[] {
  const levels: number[] = [];
  for (let level = childLevel(root); level !== null && level <= deepest; level = level >= 6 ? null : level + 2) levels.push(level);
  return levels;
}

function isMonthEnd(date: string): boolean {
  const next = new Date(`${date}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.getUTCDate() === 1;
}

/** A cell as the release keeps it: coordinates and what was shown, as strings. */
function publishedCell(cell: StatisticsCell) {
  return {
    ...cell,
    value: cell.value?.toFixed(2) ?? null,
    numerator: cell.numerator?.toFixed(2) ?? null,
    denominator: cell.denominator?.toFixed(2) ?? null,
  };
}
