import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { Agency } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import { MEASURES, type MeasureSource, type StatisticsMeasure, type ValueDimension } from './statistics.measures.js';

/** What a family query is asked: a measure under a root region, for a year, on a month-end date. */
export interface FamilyQuery {
  measure: StatisticsMeasure;
  year: number;
  /** `YYYY-MM-DD`, the last day of a month of `year`. */
  asOf: string;
  /** The root region prefix ('' for the whole country). */
  root: string;
  /** The region levels (code lengths) below the root to group by, e.g. [4, 6]. */
  levels: readonly number[];
  /** The dimensions to cross each region node with. */
  dimensions: readonly ValueDimension[];
  /** Rural residents only (rural revitalization's rows). */
  ruralOnly: boolean;
}

/** One aggregated cell as PostgreSQL returns it. */
export interface FamilyRow {
  /** The region node: the root, or a code prefix of one of `levels`. */
  region: string;
  dimension: ValueDimension | null;
  value: string | null;
  persons: number;
  /** Sum of the measure's amount (or count of rows). */
  amount: string;
  numerator: string;
  denominator: string;
}

const DIMENSION_COLUMN: Record<ValueDimension, string> = {
  CATEGORY: 'category',
  MONTH: 'month',
  VISIT_TYPE: 'visit_type',
  OUTCOME: 'outcome',
  FUND_LEVEL: 'fund_level',
};

// The status rows active on $3 (as activeOnWhere: transition and revocation on the day included).
const ACTIVE_ON = `s.valid_from <= $3::date
  AND (s.valid_to IS NULL OR s.valid_to >= $3::date OR s.transition_until >= $3::date)
  AND (s.revoked_at IS NULL OR s.revoked_at >= $3::date + 1)`;

/**
 * Charity aid and commercial claims paid on or before $3, summed by the
 * person and the settled claim they name: a payment counts against the visit
 * it follows (domain.md §6: commercial and charity in the protection rate, and
 * out of what the person bears). A payment naming no claim of its person's has
 * no cost to be set against, and counts in no rate.
 */
const PARTNER_PAID = `SELECT person_id, claim, sum(amount) AS paid FROM (
    SELECT person_id, claim_id AS claim, amount FROM charity_aid WHERE claim_id IS NOT NULL AND paid_on <= $3::date
    UNION ALL
    SELECT person_id, related_claim_id, amount FROM commercial_claim WHERE related_claim_id IS NOT NULL AND paid_on <= $3::date
  ) x GROUP BY person_id, claim`;

/**
 * The rows of each source as facts with the same columns: the person, the
 * person counted behind the cell (`pid`, null when the row does not count
 * one), the region, the dimension values, and the amounts. $1 root prefix,
 * $2 year, $3 asOf, $4 rural only.
 */
function factsSql(measure: StatisticsMeasure): string {
  const spec = MEASURES[measure];
  const persons = `p.region_code LIKE $1 || '%' AND (NOT $4::boolean OR p.residence = 'RURAL')`;
  const principal = `SELECT DISTINCT ON (s.person_id) s.person_id, s.category FROM household_status s
    WHERE ${ACTIVE_ON} ORDER BY s.person_id, s.category`;
  const subsidies = `SELECT CASE WHEN e.subsidy_amount <> 0 THEN e.person_id END AS pid, p.region_code,
          COALESCE(e.subsidy_category::text, 'NONE') AS category, m.month::text AS month,
          NULL::text AS visit_type, NULL::text AS outcome, NULL::text AS fund_level,
          e.subsidy_amount AS amount, 0::numeric AS numerator, 0::numeric AS denominator
        FROM enrollment e JOIN person p ON p.id = e.person_id
        CROSS JOIN LATERAL (
          SELECT coalesce((SELECT extract(month FROM min(s.valid_from))::int FROM household_status s
                           WHERE s.person_id = e.person_id AND s.category = e.subsidy_category
                             AND s.valid_from BETWEEN make_date($2, 1, 1) AND make_date($2, 12, 31)), 1) AS month) m
        WHERE e.year = $2 AND coalesce(e.subsidy_amount, 0) > 0 AND m.month <= extract(month FROM $3::date) AND ${persons}`;
  // Assistance and tilt as the fund's outflow: one row per visit, by month of service.
  const paidOut = `SELECT CASE WHEN b.assistance_paid + b.tilt_paid <> 0 THEN b.person_id END AS pid, p.region_code,
          COALESCE(b.category::text, 'NONE') AS category, extract(month FROM b.service_date)::int::text AS month,
          b.visit_type::text AS visit_type, NULL::text AS outcome, NULL::text AS fund_level,
          b.assistance_paid + b.tilt_paid AS amount, 0::numeric AS numerator, 0::numeric AS denominator
        FROM benefit_record b JOIN person p ON p.id = b.person_id
        WHERE b.year = $2 AND b.service_date <= $3::date AND ${persons}`;
  // Inflows are no person's: $4 (rows of rural residents) does not cut them.
  const inflows = `SELECT NULL::uuid AS pid, f.region_code, NULL::text AS category, f.month::text AS month,
          NULL::text AS visit_type, NULL::text AS outcome, f.level::text AS fund_level,
          f.amount AS amount, f.amount AS numerator, f.amount AS denominator
        FROM fund_inflow f
        WHERE f.year = $2 AND f.month <= extract(month FROM $3::date) AND f.region_code LIKE $1 || '%' AND $4::boolean IS NOT NULL`;
  const outflows = `SELECT pid, region_code, NULL::text AS category, month, NULL::text AS visit_type, NULL::text AS outcome,
          NULL::text AS fund_level, amount, -amount AS numerator, 0::numeric AS denominator
        FROM (${paidOut} UNION ALL ${subsidies}) o`;
  const sources: Record<MeasureSource, () => string> = {
    FUND_INFLOW: () => inflows,
    FUND_OUTFLOW: () => outflows,
    CARRY_OVER: () => `${inflows} UNION ALL ${outflows}`,
    PERSON: () => {
      // Not `c.category IS NOT NULL`: that strict test turns the outer join into an inner one, which PostgreSQL then
      // ran as a nested loop over the materialised categories (seconds at 20 000 persons).
      const HOLDS = `COALESCE(c.category::text, 'NONE') <> 'NONE'`;
      const [amount, numerator, denominator, where] =
        measure === 'COVERAGE_RATE'
          ? ['0', 'CASE WHEN e.person_id IS NOT NULL THEN 1 ELSE 0 END', '1', HOLDS]
          : measure === 'SUBSIDISED_ENROLLMENT_RATE'
            ? ['0', 'CASE WHEN e.subsidised THEN 1 ELSE 0 END', '1', `${HOLDS} AND e.person_id IS NOT NULL`]
            : ['1', '0', '0', 'true'];
      // Materialised: planned inline, the principal categories were recomputed per person (seconds at 20 000 persons).
      return `WITH principal AS MATERIALIZED (${principal}),
          enrolled AS MATERIALIZED (SELECT person_id, bool_or(coalesce(subsidy_amount, 0) > 0) AS subsidised FROM enrollment
                   WHERE year = $2 AND status = 'ENROLLED' GROUP BY person_id)
        SELECT p.id AS pid, p.region_code, COALESCE(c.category::text, 'NONE') AS category,
          NULL::text AS month, NULL::text AS visit_type, NULL::text AS outcome, NULL::text AS fund_level,
          ${amount}::numeric AS amount, ${numerator}::numeric AS numerator, ${denominator}::numeric AS denominator
        FROM person p
        LEFT JOIN principal c ON c.person_id = p.id
        LEFT JOIN enrolled e ON e.person_id = p.id
        WHERE ${persons} AND ${where}`;
    },
    BENEFIT: () => {
      // What charity and commercial insurers paid against the visit, up to what the person still owed (domain.md §6).
      const net = 'b.out_of_pocket - pp.covered';
      const [amount, numerator, denominator, counts] = {
        ASSISTED_PERSONS: ['0', '0', '0', 'b.assistance_paid + b.tilt_paid > 0'],
        ASSISTANCE_PAID: ['b.assistance_paid', '0', '0', 'b.assistance_paid <> 0'],
        TILT_PAID: ['b.tilt_paid', '0', '0', 'b.tilt_paid <> 0'],
        OUT_OF_POCKET: [net, '0', '0', `${net} <> 0`],
        PROTECTION_RATE: [
          '0',
          'b.basic_paid + b.critical_paid + b.other_paid + b.assistance_paid + b.tilt_paid + pp.covered',
          'b.in_policy_cost',
          'b.in_policy_cost <> 0',
        ],
        BURDEN_RATE: ['0', net, 'b.total_cost', 'b.total_cost <> 0'],
      }[measure as 'ASSISTANCE_PAID']!;
      const partner = ['OUT_OF_POCKET', 'PROTECTION_RATE', 'BURDEN_RATE'].includes(measure);
      return `${partner ? `WITH partner AS MATERIALIZED (${PARTNER_PAID})` : ''}
        SELECT CASE WHEN ${counts} THEN b.person_id END AS pid, p.region_code,
          COALESCE(b.category::text, 'NONE') AS category, extract(month FROM b.service_date)::int::text AS month,
          b.visit_type::text AS visit_type, NULL::text AS outcome, NULL::text AS fund_level,
          ${amount} AS amount, ${numerator} AS numerator, ${denominator} AS denominator
        FROM benefit_record b JOIN person p ON p.id = b.person_id
        ${
          partner
            ? `LEFT JOIN partner x ON x.person_id = b.person_id AND x.claim = b.claim_id AND b.kind = 'SETTLEMENT'
               CROSS JOIN LATERAL (SELECT greatest(least(coalesce(x.paid, 0), b.out_of_pocket), 0) AS covered) pp`
            : 'CROSS JOIN LATERAL (SELECT 0::numeric AS covered) pp'
        }
        WHERE b.year = $2 AND b.service_date <= $3::date AND ${persons}`;
    },
    ENROLLMENT: () => subsidies,
    ALERT: () => `SELECT a.person_id AS pid, p.region_code, NULL::text AS category,
          substr(a.month, 6, 2)::int::text AS month, NULL::text AS visit_type,
          CASE WHEN a.status = 'CLOSED' AND a.outcome IS NOT NULL THEN a.outcome::text ELSE 'OPEN' END AS outcome,
          NULL::text AS fund_level,
          1::numeric AS amount, 0::numeric AS numerator, 0::numeric AS denominator
        FROM alert a JOIN person p ON p.id = a.person_id
        WHERE a.year = $2 AND a.month <= to_char($3::date, 'YYYY-MM') AND ${persons}`,
  };
  return sources[spec.source]();
}

/**
 * How a measure of the BENEFIT group reads the summaries (migration
 * `statistics_summaries`): which facts (`B` settled visits, `S` enrollment
 * subsidies), the condition that counts a person behind a cell (as `factsSql`'s
 * `pid`), and its sums over `stat_amount`'s columns (as `factsSql`'s amount,
 * numerator and denominator).
 */
interface SummarySpec {
  sources: readonly ('B' | 'S')[];
  condition: string;
  amount: string;
  numerator: string;
  denominator: string;
}

const OUTFLOW: SummarySpec = {
  sources: ['B', 'S'],
  condition: 'PAID_OUT',
  amount: 'assistance + tilt + subsidy',
  numerator: '-(assistance + tilt + subsidy)',
  denominator: '0',
};

/** The measures whose families come from the summaries; the others are computed from the rows. */
const SUMMARIES: Partial<Record<StatisticsMeasure, SummarySpec>> = {
  ASSISTED_PERSONS: { sources: ['B'], condition: 'ASSISTED', amount: '0', numerator: '0', denominator: '0' },
  ASSISTANCE_PAID: { sources: ['B'], condition: 'ASSISTANCE', amount: 'assistance', numerator: '0', denominator: '0' },
  TILT_PAID: { sources: ['B'], condition: 'TILT', amount: 'tilt', numerator: '0', denominator: '0' },
  OUT_OF_POCKET: { sources: ['B'], condition: 'NET', amount: 'oop - covered', numerator: '0', denominator: '0' },
  PROTECTION_RATE: {
    sources: ['B'],
    condition: 'IN_POLICY',
    amount: '0',
    numerator: 'insured + assistance + tilt + covered',
    denominator: 'in_policy',
  },
  BURDEN_RATE: { sources: ['B'], condition: 'TOTAL', amount: '0', numerator: 'oop - covered', denominator: 'total_cost' },
  SUBSIDY_PAID: { sources: ['S'], condition: 'SUBSIDY', amount: 'subsidy', numerator: '0', denominator: '0' },
  FUND_OUTFLOW: OUTFLOW,
  // The outflows from the summaries, the inflows (a few rows a month) from their table.
  CARRY_OVER_RATE: OUTFLOW,
};

/** The summaries' column of each dimension (the month as text, as `factsSql` gives it). */
const SUMMARY_COLUMN: Partial<Record<ValueDimension, string>> = {
  CATEGORY: 'category',
  MONTH: 'month_text',
  VISIT_TYPE: 'visit_type',
};

/**
 * The PERSON group over `stat_person_month` (one row per person and
 * month-end, summed): which persons count, and the sums that stand for
 * factsSql's amount, numerator and denominator.
 */
const PERSON_SUMMARIES: Partial<Record<StatisticsMeasure, { where: string; amount: string; numerator: string; denominator: string }>> = {
  PERSONS: { where: 'true', amount: 'sum(persons)', numerator: '0', denominator: '0' },
  COVERAGE_RATE: {
    where: "category <> 'NONE'",
    amount: '0',
    numerator: 'sum(persons) FILTER (WHERE enrolled)',
    denominator: 'sum(persons)',
  },
  SUBSIDISED_ENROLLMENT_RATE: {
    where: "category <> 'NONE' AND enrolled",
    amount: '0',
    numerator: 'sum(persons) FILTER (WHERE subsidised)',
    denominator: 'sum(persons)',
  },
};

/** Whether a measure's families are read from the summaries (and so answer in milliseconds at any size). */
export function usesSummaries(measure: StatisticsMeasure): boolean {
  return SUMMARIES[measure] !== undefined || PERSON_SUMMARIES[measure] !== undefined;
}

/** Reads statistics families and keeps what was published. */
export class StatisticsRepository {
  /** `summaries: false` computes every family from the rows (the benchmark's baseline, and the tests' cross-check). */
  constructor(
    private readonly db: Db,
    private readonly options: { summaries?: boolean } = {},
  ) {}

  /**
   * Every cell of a family: from the summaries for the BENEFIT group's
   * measures (kept current by triggers on every write), else from the rows.
   */
  async family(query: FamilyQuery): Promise<FamilyRow[]> {
    const persons = this.options.summaries === false ? undefined : PERSON_SUMMARIES[query.measure];
    if (persons) {
      // Kept for the years enrollments name; another year is counted from the rows.
      const kept = await this.db.$queryRawUnsafe<unknown[]>('SELECT 1 FROM stat_person_year WHERE year = $1', query.year);
      if (kept.length > 0) return this.familyFromPersonMonths(query, persons);
    }
    const summary = this.options.summaries === false ? undefined : SUMMARIES[query.measure];
    if (!summary) return this.familyFromRows(query);
    const outflows = await this.familyFromSummaries(query, summary);
    if (query.measure !== 'CARRY_OVER_RATE') return outflows;
    // Inflows count no person; a cell is in the family when either side has a row, as in factsSql's union.
    const inflows = await this.familyFromRows({ ...query, measure: 'FUND_INFLOW' });
    const cells = new Map(outflows.map((row) => [cellKey(row), { ...row }]));
    for (const row of inflows) {
      const cell = cells.get(cellKey(row));
      if (!cell) cells.set(cellKey(row), { ...row });
      else {
        cell.amount = sumText(cell.amount, row.amount);
        cell.numerator = sumText(cell.numerator, row.numerator);
        cell.denominator = sumText(cell.denominator, row.denominator);
        cell.persons += row.persons;
      }
    }
    return [...cells.values()];
  }

  /** A PERSON-group family from `stat_person_month`: each person once per month-end, so every cell is a plain sum. */
  private async familyFromPersonMonths(
    query: FamilyQuery,
    spec: { where: string; amount: string; numerator: string; denominator: string },
  ): Promise<FamilyRow[]> {
    const regionColumns = query.levels.map((level) => `r${level}`);
    const regionSelect = query.levels.map((level) => `, left(region, ${level}) AS r${level}`).join('');
    const dimensionColumns = query.dimensions.map((dimension) => {
      if (dimension !== 'CATEGORY') throw new Error(`${query.measure} has no summary column for ${dimension}`);
      return 'category';
    });
    const sets: string[] = [];
    for (const region of [null, ...regionColumns]) {
      for (const dimension of [null, ...dimensionColumns]) sets.push(`(${[region, dimension].filter(Boolean).join(', ')})`);
    }
    const grouped = [...regionColumns, ...dimensionColumns];
    const rows = await this.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${grouped.length ? `${grouped.join(', ')}, GROUPING(${grouped.join(', ')}) AS grouping,` : '0 AS grouping,'}
        sum(persons)::int AS persons, coalesce(${spec.amount}, 0)::text AS amount,
        coalesce(${spec.numerator}, 0)::text AS numerator, coalesce(${spec.denominator}, 0)::text AS denominator
      FROM (SELECT *${regionSelect} FROM stat_person_month
            WHERE year = $2 AND month = $3 AND region LIKE $1 || '%' AND (NOT $4::boolean OR rural) AND ${spec.where}) f
      GROUP BY GROUPING SETS (${sets.join(', ')})
      HAVING sum(persons) > 0`,
      query.root,
      query.year,
      Number(query.asOf.slice(5, 7)),
      query.ruralOnly,
    );
    return rows.map((row) => {
      const bits = Number(row.grouping);
      const region = regionOf(bits, regionColumns, grouped.length, row, query.root);
      const categorised = dimensionColumns.length > 0 && (bits & 1) === 0;
      return {
        region,
        dimension: categorised ? ('CATEGORY' as const) : null,
        value: categorised ? String(row.category) : null,
        persons: Number(row.persons),
        amount: String(row.amount),
        numerator: String(row.numerator),
        denominator: String(row.denominator),
      };
    });
  }

  /**
   * A family from the summaries: the sums from `stat_amount` and the persons
   * from `stat_persons`, each in one statement with GROUPING SETS over the
   * region levels and the dimension, counted up to `asOf`'s month. Persons
   * add up over counties because each person lives in one: a node's persons
   * are the sum of its counties'.
   */
  private async familyFromSummaries(query: FamilyQuery, spec: SummarySpec): Promise<FamilyRow[]> {
    const month = Number(query.asOf.slice(5, 7));
    const regionColumns = query.levels.map((level) => `r${level}`);
    const regionSelect = query.levels.map((level) => `, left(region, ${level}) AS r${level}`).join('');
    const dimensionColumns = query.dimensions.map((dimension) => {
      const column = SUMMARY_COLUMN[dimension];
      if (!column) throw new Error(`${query.measure} has no summary column for ${dimension}`);
      return column;
    });
    const sets: string[] = [];
    for (const region of [null, ...regionColumns]) {
      for (const dimension of [null, ...dimensionColumns]) sets.push(`(${[region, dimension].filter(Boolean).join(', ')})`);
    }
    const grouped = [...regionColumns, ...dimensionColumns];
    const where = `year = $2 AND from_month <= $3 AND region LIKE $1 || '%' AND (NOT $4::boolean OR rural)`;
    const amounts = await this.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${grouped.length ? `${grouped.join(', ')}, GROUPING(${grouped.join(', ')}) AS grouping,` : '0 AS grouping,'}
        coalesce(sum(${spec.amount}), 0)::text AS amount, coalesce(sum(${spec.numerator}), 0)::text AS numerator,
        coalesce(sum(${spec.denominator}), 0)::text AS denominator
      FROM (SELECT *, month::text AS month_text${regionSelect} FROM stat_amount WHERE ${where} AND source = ANY($5::text[])) f
      GROUP BY GROUPING SETS (${sets.join(', ')})
      HAVING sum(records) > 0`,
      query.root,
      query.year,
      month,
      query.ruralOnly,
      spec.sources,
    );
    const personSets = [null, ...regionColumns].map((region) => `(${[region, 'dimension', 'value'].filter(Boolean).join(', ')})`);
    const persons = await this.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${regionColumns.length ? `${regionColumns.join(', ')}, GROUPING(${regionColumns.join(', ')}) AS grouping,` : '0 AS grouping,'}
        dimension, value, sum(persons)::int AS persons
      FROM (SELECT *${regionSelect} FROM stat_persons WHERE ${where} AND condition = $5 AND dimension = ANY($6::text[])) f
      GROUP BY GROUPING SETS (${personSets.join(', ')})`,
      query.root,
      query.year,
      month,
      query.ruralOnly,
      spec.condition,
      ['', ...query.dimensions],
    );
    const counted = new Map<string, number>();
    for (const row of persons) {
      const region = regionOf(Number(row.grouping), regionColumns, regionColumns.length, row, query.root);
      const dimension = row.dimension === '' ? null : (row.dimension as ValueDimension);
      counted.set(cellKey({ region, dimension, value: dimension ? String(row.value) : null }), Number(row.persons));
    }
    return amounts.map((row) => {
      const bits = Number(row.grouping);
      const region = regionOf(bits, regionColumns, grouped.length, row, query.root);
      let dimension: ValueDimension | null = null;
      let value: string | null = null;
      query.dimensions.forEach((candidate, index) => {
        if (((bits >> (grouped.length - 1 - regionColumns.length - index)) & 1) === 0) {
          dimension = candidate;
          value = String(row[dimensionColumns[index]!]);
        }
      });
      const cell = { region, dimension, value };
      return {
        ...cell,
        persons: counted.get(cellKey(cell)) ?? 0,
        amount: String(row.amount),
        numerator: String(row.numerator),
        denominator: String(row.denominator),
      };
    });
  }

  /**
   * Every cell of a family from the rows, in one statement: GROUPING SETS over each region
   * level crossed with each dimension (and alone), so PostgreSQL aggregates
   * and only the cells come back.
   */
  async familyFromRows(query: FamilyQuery): Promise<FamilyRow[]> {
    const regionColumns = query.levels.map((level) => `r${level}`);
    const dimensionColumns = query.dimensions.map((dimension) => DIMENSION_COLUMN[dimension]);
    const sets: string[] = [];
    for (const region of [null, ...regionColumns]) {
      for (const dimension of [null, ...dimensionColumns]) {
        sets.push(`(${[region, dimension].filter(Boolean).join(', ')})`);
      }
    }
    const grouped = [...regionColumns, ...dimensionColumns];
    const sql = `WITH facts AS (${factsSql(query.measure)})
      SELECT ${grouped.length ? `${grouped.join(', ')}, GROUPING(${grouped.join(', ')}) AS grouping,` : '0 AS grouping,'}
        count(DISTINCT pid)::int AS persons, coalesce(sum(amount), 0)::text AS amount,
        coalesce(sum(numerator), 0)::text AS numerator, coalesce(sum(denominator), 0)::text AS denominator
      FROM (SELECT *, ${query.levels.map((level) => `left(region_code, ${level}) AS r${level}`).join(', ') || '1 AS r'} FROM facts) f
      GROUP BY GROUPING SETS (${sets.join(', ')})`;
    const rows = await this.db.$queryRawUnsafe<Record<string, unknown>[]>(sql, query.root, query.year, query.asOf, query.ruralOnly);
    return rows.map((row) => {
      const bits = Number(row.grouping);
      // GROUPING() sets a bit per listed column, the first column the highest, when that column is totalled.
      const isGrouped = (index: number) => ((bits >> (grouped.length - 1 - index)) & 1) === 0;
      let region = query.root;
      regionColumns.forEach((column, index) => {
        if (isGrouped(index)) region = String(row[column]);
      });
      let dimension: ValueDimension | null = null;
      let value: string | null = null;
      query.dimensions.forEach((candidate, index) => {
        if (isGrouped(regionColumns.length + index)) {
          dimension = candidate;
          value = String(row[DIMENSION_COLUMN[candidate]]);
        }
      });
      return {
        region,
        dimension,
        value,
        persons: Number(row.persons),
        amount: String(row.amount),
        numerator: String(row.numerator),
        denominator: String(row.denominator),
      };
    });
  }

  /** Keeps a published answer: the request, the method and the cells shown (no person). Returns its id and digest. */
  async release(entry: { clientId: string; agency: Agency; request: object; method: string; cells: object[] }) {
    const cells = JSON.parse(JSON.stringify(entry.cells)) as object[];
    const digest = createHash('sha256').update(JSON.stringify(cells)).digest('hex');
    const row = await this.db.statisticsRelease.create({
      data: { clientId: entry.clientId, agency: entry.agency, request: entry.request, method: entry.method, cells, digest },
      select: { id: true },
    });
    return { id: row.id, digest };
  }
}

/** A cell's coordinates as one string. */
function cellKey(cell: { region: string; dimension: ValueDimension | null; value: string | null }): string {
  return `${cell.region}|${cell.dimension ?? ''}|${cell.value ?? ''}`;
}

/** The region node of a GROUPING SETS row: the deepest region column it groups by, else the root. */
function regionOf(bits: number, regionColumns: string[], width: number, row: Record<string, unknown>, root: string): string {
  let region = root;
  regionColumns.forEach((column, index) => {
    if (((bits >> (width - 1 - index)) & 1) === 0) region = String(row[column]);
  });
  return region;
}

/** Two decimal strings added exactly (cents). */
function sumText(a: string, b: string): string {
  return new Decimal(a).plus(b).toString();
}
