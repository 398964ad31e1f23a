/**
 * What each statistics measure counts (domain.md §6), as data: its source
 * rows, the dimensions it may be cut by, along which of them it adds up, how
 * its value is formed and, for a rate, its target. The SQL that computes the
 * measures (statistics.repository.ts) and the disclosure control read this.
 */

import { ASSISTANCE_CATEGORIES } from '../policy/policy.types.js';

/** The measures of api-contract.md's second wave, and the ones domain.md §6 adds. */
export const StatisticsMeasure = {
  PERSONS: 'PERSONS',
  ASSISTED_PERSONS: 'ASSISTED_PERSONS',
  ASSISTANCE_PAID: 'ASSISTANCE_PAID',
  TILT_PAID: 'TILT_PAID',
  SUBSIDY_PAID: 'SUBSIDY_PAID',
  OUT_OF_POCKET: 'OUT_OF_POCKET',
  ALERTS: 'ALERTS',
  COVERAGE_RATE: 'COVERAGE_RATE',
  SUBSIDISED_ENROLLMENT_RATE: 'SUBSIDISED_ENROLLMENT_RATE',
  PROTECTION_RATE: 'PROTECTION_RATE',
  BURDEN_RATE: 'BURDEN_RATE',
  FUND_INFLOW: 'FUND_INFLOW',
  FUND_OUTFLOW: 'FUND_OUTFLOW',
  CARRY_OVER_RATE: 'CARRY_OVER_RATE',
} as const;
export type StatisticsMeasure = (typeof StatisticsMeasure)[keyof typeof StatisticsMeasure];

/** REGION is the level directly below the prefix; OUTCOME is where an alert's handling ended (alerts only). */
export const StatisticsDimension = {
  REGION: 'REGION',
  CATEGORY: 'CATEGORY',
  MONTH: 'MONTH',
  VISIT_TYPE: 'VISIT_TYPE',
  OUTCOME: 'OUTCOME',
  FUND_LEVEL: 'FUND_LEVEL',
} as const;
export type StatisticsDimension = (typeof StatisticsDimension)[keyof typeof StatisticsDimension];

/** A dimension other than REGION: a family crosses each region node with at most one of them. */
export type ValueDimension = Exclude<StatisticsDimension, 'REGION'>;

/** Where an alert stands for statistics: still open, or closed with its outcome. */
export const StatisticsAlertOutcome = {
  OPEN: 'OPEN',
  INCLUDED_IN_ASSISTANCE: 'INCLUDED_IN_ASSISTANCE',
  REFERRED_TO_CHARITY: 'REFERRED_TO_CHARITY',
  NO_ACTION: 'NO_ACTION',
} as const;
export type StatisticsAlertOutcome = (typeof StatisticsAlertOutcome)[keyof typeof StatisticsAlertOutcome];

/** Which rows a measure counts. */
export type MeasureSource = 'PERSON' | 'BENEFIT' | 'ENROLLMENT' | 'ALERT' | 'FUND_INFLOW' | 'FUND_OUTFLOW' | 'CARRY_OVER';

/** How a cell's value is formed: distinct persons, a sum of amounts, a count of rows, or numerator ÷ denominator in %. */
export type MeasureKind = 'PERSONS' | 'AMOUNT' | 'COUNT' | 'RATE';

/** A policy target of a rate (domain.md §6). */
export interface MeasureTarget {
  comparator: 'AT_LEAST' | 'AT_MOST';
  /** In percent, two decimals. */
  percent: string;
  citation: string;
}

/** The definition of a measure. */
export interface MeasureSpec {
  source: MeasureSource;
  /**
   * Measures whose cells share coordinates and are linked by arithmetic (a rate's numerator is another measure's
   * value; outflows are assistance + tilt + subsidies): FINANCE and ANALYST get one suppression pattern for the group.
   */
  group: 'PERSON' | 'BENEFIT' | 'ALERT' | 'FUND';
  kind: MeasureKind;
  /** The dimensions besides REGION it may be cut by. */
  dimensions: readonly ValueDimension[];
  /** Those along which its published quantities add up (every person or row sits in exactly one value). */
  additive: readonly ValueDimension[];
  definition: string;
  numerator?: string;
  denominator?: string;
  target?: MeasureTarget;
}

const STOCK = 'persons registered in the region, by the first category (domain.md §3 order) each holds on `asOf`';

/** Every measure. Persons "behind" a cell (who decide its suppression) are the distinct persons its rows belong to. */
export const MEASURES: Readonly<Record<StatisticsMeasure, MeasureSpec>> = {
  PERSONS: {
    group: 'PERSON',
    source: 'PERSON',
    kind: 'PERSONS',
    dimensions: ['CATEGORY'],
    additive: ['CATEGORY'],
    definition: `${STOCK}; persons holding none are in no category`,
  },
  ASSISTED_PERSONS: {
    group: 'BENEFIT',
    source: 'BENEFIT',
    kind: 'PERSONS',
    dimensions: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    additive: [],
    definition:
      'distinct persons with a settled visit of the year, served on or before `asOf`, that paid medical assistance or tilted assistance',
  },
  ASSISTANCE_PAID: {
    group: 'BENEFIT',
    source: 'BENEFIT',
    kind: 'AMOUNT',
    dimensions: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    additive: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    definition: 'medical assistance paid (reversals deducted) for visits of the year served on or before `asOf`, 元',
  },
  TILT_PAID: {
    group: 'BENEFIT',
    source: 'BENEFIT',
    kind: 'AMOUNT',
    dimensions: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    additive: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    definition: 'tilted assistance (倾斜救助) paid for visits of the year served on or before `asOf`, 元',
  },
  OUT_OF_POCKET: {
    group: 'BENEFIT',
    source: 'BENEFIT',
    kind: 'AMOUNT',
    dimensions: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    additive: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    definition:
      'what persons still paid after every layer and after the charity aid and commercial claims (paid by `asOf`) that name the visit, ' +
      'for visits of the year served on or before `asOf`, 元',
  },
  SUBSIDY_PAID: {
    group: 'BENEFIT',
    source: 'ENROLLMENT',
    kind: 'AMOUNT',
    dimensions: ['CATEGORY', 'MONTH'],
    additive: ['CATEGORY', 'MONTH'],
    definition:
      "enrollment subsidies (资助参保) of the year's enrollments, by the subsidised category; month: the month of certification " +
      'for persons certified into that category during the year (jiaxing-2023 二(二)6), else January; up to `asOf`, 元',
  },
  ALERTS: {
    group: 'ALERT',
    source: 'ALERT',
    kind: 'COUNT',
    dimensions: ['MONTH', 'OUTCOME'],
    additive: ['MONTH', 'OUTCOME'],
    definition: 'high-cost alerts of the year pushed in months up to `asOf`, by month of push and where their handling stands now',
  },
  COVERAGE_RATE: {
    group: 'PERSON',
    source: 'PERSON',
    kind: 'RATE',
    dimensions: ['CATEGORY'],
    additive: ['CATEGORY'],
    definition: 'coverage (参保率) of low-income and lifted-out-of-poverty persons, %',
    numerator: 'persons of the denominator enrolled (ENROLLED) for the year',
    denominator: 'persons holding a category on `asOf`',
    target: { comparator: 'AT_LEAST', percent: '99.00', citation: '甘医保发〔2023〕57号 一(一)' },
  },
  SUBSIDISED_ENROLLMENT_RATE: {
    group: 'PERSON',
    source: 'PERSON',
    kind: 'RATE',
    dimensions: ['CATEGORY'],
    additive: ['CATEGORY'],
    definition: 'subsidised enrollment (资助参保率) of enrolled category holders, %',
    numerator: 'persons of the denominator whose enrollment of the year carries a subsidy',
    denominator: 'persons holding a category on `asOf` and enrolled for the year',
    target: { comparator: 'AT_LEAST', percent: '100.00', citation: '嘉政办发〔2022〕58号 二(二)6' },
  },
  PROTECTION_RATE: {
    group: 'BENEFIT',
    source: 'BENEFIT',
    kind: 'RATE',
    dimensions: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    additive: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    definition: 'comprehensive protection rate (综合保障率), %',
    numerator: 'basic + critical-illness + other insurance + assistance + tilted assistance + commercial and charity paid',
    denominator: 'in-policy cost',
    target: { comparator: 'AT_LEAST', percent: '85.00', citation: '嘉政办发〔2022〕58号' },
  },
  BURDEN_RATE: {
    group: 'BENEFIT',
    source: 'BENEFIT',
    kind: 'RATE',
    dimensions: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    additive: ['CATEGORY', 'MONTH', 'VISIT_TYPE'],
    definition: 'personal burden rate (个人负担率), %',
    numerator: 'out-of-pocket',
    denominator: 'total cost',
    target: { comparator: 'AT_MOST', percent: '15.00', citation: '嘉政办发〔2022〕58号' },
  },
  FUND_INFLOW: {
    group: 'FUND',
    source: 'FUND_INFLOW',
    kind: 'AMOUNT',
    dimensions: ['MONTH', 'FUND_LEVEL'],
    additive: ['MONTH', 'FUND_LEVEL'],
    definition: 'allocations to the assistance fund recorded by finance, by month received and level, up to `asOf`, 元 (no persons)',
  },
  FUND_OUTFLOW: {
    group: 'BENEFIT',
    source: 'FUND_OUTFLOW',
    kind: 'AMOUNT',
    dimensions: ['MONTH'],
    additive: ['MONTH'],
    definition:
      'what the fund paid: assistance and tilted assistance (by month of service) and enrollment subsidies (by SUBSIDY_PAID’s month), 元',
  },
  CARRY_OVER_RATE: {
    group: 'BENEFIT',
    source: 'CARRY_OVER',
    kind: 'RATE',
    dimensions: [],
    additive: [],
    definition: 'carry-over (结余) of the fund: the part of the year’s inflows not paid out, %',
    numerator: 'FUND_INFLOW − FUND_OUTFLOW',
    denominator: 'FUND_INFLOW',
    target: { comparator: 'AT_MOST', percent: '15.00', citation: '嘉政办发〔2022〕58号 二(二)8' },
  },
};

/** The measures whose suppression patterns FINANCE and ANALYST get united (see MeasureSpec.group). */
export function measureGroup(measure: StatisticsMeasure): StatisticsMeasure[] {
  const group = MEASURES[measure].group;
  return (Object.keys(MEASURES) as StatisticsMeasure[]).filter((m) => MEASURES[m].group === group);
}

/** The order values of a dimension are listed in (enum order; months by number). */
export const DIMENSION_ORDER: Readonly<Record<ValueDimension, readonly string[]>> = {
  CATEGORY: [...ASSISTANCE_CATEGORIES, 'NONE'],
  MONTH: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
  VISIT_TYPE: ['INPATIENT', 'OUTPATIENT_CHRONIC', 'OUTPATIENT_SPECIAL_DRUG'],
  OUTCOME: ['OPEN', 'INCLUDED_IN_ASSISTANCE', 'REFERRED_TO_CHARITY', 'NO_ACTION'],
  FUND_LEVEL: ['CENTRAL', 'PROVINCIAL', 'CITY', 'COUNTY'],
};
