import { Decimal } from 'decimal.js';
import type pg from 'pg';
import { Money } from '../../../src/shared/money.js';
import type { StatisticsMeasure } from '../../generated/operations.js';

/**
 * The statistics computed again from the stored rows, in plain JavaScript
 * over plain `SELECT *`-style reads: no GROUPING SETS, no family, nothing of
 * the hub's statistics code. Tests compare the hub's cells with these.
 */

const CATEGORY_ORDER = [
  'EXTREME_POVERTY',
  'ORPHAN',
  'MINIMUM_LIVING',
  'LOW_INCOME_MARGINAL',
  'ILLNESS_POVERTY',
  'RETURNED_TO_POVERTY',
  'AT_RISK_MONITORED',
  'LIFTED_OUT_OF_POVERTY',
  'DISTRESSED_CHILD',
  'OTHER_SPECIAL',
];

/** The stored rows the oracle reads. */
export interface Rows {
  persons: { id: string; region_code: string; residence: string }[];
  statuses: {
    person_id: string;
    category: string;
    valid_from: string;
    valid_to: string | null;
    transition_until: string | null;
    revoked_on: string | null;
  }[];
  enrollments: { person_id: string; year: number; status: string; subsidy_amount: string | null; subsidy_category: string | null }[];
  benefits: {
    person_id: string;
    claim_id: string;
    kind: string;
    year: number;
    service_date: string;
    visit_type: string;
    category: string | null;
    total_cost: string;
    in_policy_cost: string;
    basic_paid: string;
    critical_paid: string;
    other_paid: string;
    assistance_paid: string;
    tilt_paid: string;
    out_of_pocket: string;
  }[];
  alerts: { person_id: string; year: number; month: string; status: string; outcome: string | null }[];
  inflows: { region_code: string; year: number; month: number; level: string; amount: string }[];
  /** Charity aid and commercial claims alike: who, which claim they name, when, how much. */
  partnerPayments: { person_id: string; claim: string | null; paid_on: string; amount: string }[];
}

/** Reads every row the statistics could count. */
export async function readRows(pool: pg.Pool): Promise<Rows> {
  const q = async <T>(sql: string) => (await pool.query(sql)).rows as T[];
  return {
    persons: await q('SELECT id, region_code, residence FROM person'),
    statuses: await q(`SELECT person_id, category, valid_from::text, valid_to::text, transition_until::text,
      (revoked_at AT TIME ZONE 'UTC')::date::text AS revoked_on FROM household_status`),
    enrollments: await q('SELECT person_id, year, status, subsidy_amount::text, subsidy_category FROM enrollment'),
    benefits:
      await q(`SELECT person_id, claim_id, kind, year, service_date::text, visit_type, category, total_cost::text, in_policy_cost::text,
      basic_paid::text, critical_paid::text, other_paid::text, assistance_paid::text, tilt_paid::text, out_of_pocket::text FROM benefit_record`),
    alerts: await q('SELECT person_id, year, month, status, outcome FROM alert'),
    inflows: await q('SELECT region_code, year, month, level, amount::text FROM fund_inflow'),
    partnerPayments: [
      ...(await q<Rows['partnerPayments'][number]>('SELECT person_id, claim_id AS claim, paid_on::text, amount::text FROM charity_aid')),
      ...(await q<Rows['partnerPayments'][number]>(
        'SELECT person_id, related_claim_id AS claim, paid_on::text, amount::text FROM commercial_claim',
      )),
    ],
  };
}

/** One counted row: who it counts (null: nobody), where, along which values, with which amounts. */
export interface Fact {
  counted: string | null;
  region: string;
  values: Record<string, string>;
  amount: Decimal;
  numerator: Decimal;
  denominator: Decimal;
}

const ZERO = new Money(0);
const money = (text: string | null) => new Money(text ?? '0');

/** The facts of a measure, for the rows a client sees (`ruralOnly`: rural revitalization). */
export function facts(rows: Rows, measure: StatisticsMeasure, year: number, asOf: string, ruralOnly = false): Fact[] {
  const people = new Map(rows.persons.filter((p) => !ruralOnly || p.residence === 'RURAL').map((p) => [p.id, p]));
  const active = (s: Rows['statuses'][number]) =>
    s.valid_from <= asOf &&
    (s.valid_to === null || s.valid_to >= asOf || (s.transition_until !== null && s.transition_until >= asOf)) &&
    (s.revoked_on === null || s.revoked_on > asOf);
  const principal = new Map<string, string>();
  for (const s of rows.statuses.filter(active)) {
    const held = principal.get(s.person_id);
    if (held === undefined || CATEGORY_ORDER.indexOf(s.category) < CATEGORY_ORDER.indexOf(held)) principal.set(s.person_id, s.category);
  }
  const out: Fact[] = [];
  if (measure === 'FUND_INFLOW' || measure === 'CARRY_OVER_RATE') {
    for (const f of rows.inflows) {
      if (f.year !== year || f.month > Number(asOf.slice(5, 7))) continue;
      const amount = money(f.amount);
      out.push({
        counted: null,
        region: f.region_code,
        values: { MONTH: String(f.month), FUND_LEVEL: f.level },
        amount,
        numerator: amount,
        denominator: amount,
      });
    }
  }
  if (measure === 'FUND_OUTFLOW' || measure === 'CARRY_OVER_RATE') {
    const paid = [...facts(rows, 'ASSISTANCE_PAID', year, asOf, ruralOnly), ...facts(rows, 'TILT_PAID', year, asOf, ruralOnly)];
    // One visit counts its person once whether assistance, tilt or both paid.
    for (const fact of [...paid, ...facts(rows, 'SUBSIDY_PAID', year, asOf, ruralOnly)]) {
      out.push({ ...fact, values: { MONTH: fact.values.MONTH! }, numerator: fact.amount.negated(), denominator: ZERO });
    }
  }
  if (measure === 'FUND_INFLOW' || measure === 'FUND_OUTFLOW' || measure === 'CARRY_OVER_RATE') return out;
  if (measure === 'PERSONS' || measure === 'COVERAGE_RATE' || measure === 'SUBSIDISED_ENROLLMENT_RATE') {
    for (const person of people.values()) {
      const category = principal.get(person.id) ?? 'NONE';
      const enrolled = rows.enrollments.filter((e) => e.person_id === person.id && e.year === year && e.status === 'ENROLLED');
      const one = new Money(1);
      if (measure === 'PERSONS')
        out.push({
          counted: person.id,
          region: person.region_code,
          values: { CATEGORY: category },
          amount: one,
          numerator: ZERO,
          denominator: ZERO,
        });
      else if (category === 'NONE') continue;
      else if (measure === 'COVERAGE_RATE')
        out.push({
          counted: person.id,
          region: person.region_code,
          values: { CATEGORY: category },
          amount: ZERO,
          numerator: enrolled.length ? one : ZERO,
          denominator: one,
        });
      else if (enrolled.length)
        out.push({
          counted: person.id,
          region: person.region_code,
          values: { CATEGORY: category },
          amount: ZERO,
          numerator: enrolled.some((e) => money(e.subsidy_amount).gt(0)) ? one : ZERO,
          denominator: one,
        });
    }
    return out;
  }
  if (measure === 'SUBSIDY_PAID') {
    const asOfMonth = Number(asOf.slice(5, 7));
    for (const e of rows.enrollments) {
      const person = people.get(e.person_id);
      if (!person || e.year !== year || !money(e.subsidy_amount).gt(0)) continue;
      const certified = rows.statuses
        .filter((s) => s.person_id === e.person_id && s.category === e.subsidy_category && s.valid_from.startsWith(`${year}-`))
        .map((s) => s.valid_from)
        .sort()[0];
      const month = certified ? Number(certified.slice(5, 7)) : 1;
      if (month > asOfMonth) continue;
      out.push({
        counted: e.person_id,
        region: person.region_code,
        values: { CATEGORY: e.subsidy_category ?? 'NONE', MONTH: String(month) },
        amount: money(e.subsidy_amount),
        numerator: ZERO,
        denominator: ZERO,
      });
    }
    return out;
  }
  if (measure === 'ALERTS') {
    for (const a of rows.alerts) {
      const person = people.get(a.person_id);
      if (!person || a.year !== year || a.month > asOf.slice(0, 7)) continue;
      out.push({
        counted: a.person_id,
        region: person.region_code,
        values: { MONTH: String(Number(a.month.slice(5))), OUTCOME: a.status === 'CLOSED' && a.outcome ? a.outcome : 'OPEN' },
        amount: new Money(1),
        numerator: ZERO,
        denominator: ZERO,
      });
    }
    return out;
  }
  // Partner payments by the settled claim they name, paid by asOf.
  const partner = new Map<string, Decimal>();
  for (const pay of rows.partnerPayments) {
    if (pay.claim === null || pay.paid_on > asOf) continue;
    const key = `${pay.person_id}/${pay.claim}`;
    partner.set(key, (partner.get(key) ?? ZERO).plus(money(pay.amount)));
  }
  for (const b of rows.benefits) {
    const person = people.get(b.person_id);
    if (!person || b.year !== year || b.service_date > asOf) continue;
    const owed = money(b.out_of_pocket);
    const named = b.kind === 'SETTLEMENT' ? (partner.get(`${b.person_id}/${b.claim_id}`) ?? ZERO) : ZERO;
    const covered = Decimal.max(Decimal.min(named, owed), ZERO);
    const bears = owed.minus(covered);
    const values = { CATEGORY: b.category ?? 'NONE', MONTH: String(Number(b.service_date.slice(5, 7))), VISIT_TYPE: b.visit_type };
    const paid = money(b.assistance_paid).plus(money(b.tilt_paid));
    const fact = (amount: Decimal, counts: boolean, numerator = ZERO, denominator = ZERO): Fact => ({
      counted: counts ? b.person_id : null,
      region: person.region_code,
      values,
      amount,
      numerator,
      denominator,
    });
    switch (measure) {
      case 'ASSISTED_PERSONS':
        out.push(fact(ZERO, paid.gt(0)));
        break;
      case 'ASSISTANCE_PAID':
        out.push(fact(money(b.assistance_paid), !money(b.assistance_paid).isZero()));
        break;
      case 'TILT_PAID':
        out.push(fact(money(b.tilt_paid), !money(b.tilt_paid).isZero()));
        break;
      case 'OUT_OF_POCKET':
        out.push(fact(bears, !bears.isZero()));
        break;
      case 'PROTECTION_RATE': {
        const layers = ['basic_paid', 'critical_paid', 'other_paid', 'assistance_paid', 'tilt_paid'] as const;
        const numerator = layers.reduce((sum, key) => sum.plus(money(b[key])), covered);
        out.push(fact(ZERO, !money(b.in_policy_cost).isZero(), numerator, money(b.in_policy_cost)));
        break;
      }
      case 'BURDEN_RATE':
        out.push(fact(ZERO, !money(b.total_cost).isZero(), bears, money(b.total_cost)));
        break;
    }
  }
  return out;
}

/** What a cell should show, before disclosure control: persons, and the value as the API formats it. */
export function expectedCell(
  all: Fact[],
  measure: StatisticsMeasure,
  region: string,
  dimension: string | null,
  value: string | null,
): { persons: number; value: string | null; numerator: string | null; denominator: string | null } {
  const selected = all.filter((f) => f.region.startsWith(region) && (dimension === null || f.values[dimension] === value));
  const persons = new Set(selected.map((f) => f.counted).filter((id) => id !== null)).size;
  const sum = (key: 'amount' | 'numerator' | 'denominator') => selected.reduce((s, f) => s.plus(f[key]), ZERO);
  if (measure.endsWith('_RATE')) {
    const numerator = sum('numerator');
    const denominator = sum('denominator');
    const rate = denominator.isZero() ? null : numerator.div(denominator).times(100).toDecimalPlaces(2, Money.ROUND_HALF_UP).toFixed(2);
    return { persons, value: rate, numerator: numerator.toFixed(2), denominator: denominator.toFixed(2) };
  }
  const amount = measure === 'PERSONS' || measure === 'ASSISTED_PERSONS' ? new Money(persons) : sum('amount');
  return { persons, value: amount.toFixed(2), numerator: null, denominator: null };
}
