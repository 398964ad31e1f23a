import type { Decimal } from 'decimal.js';
import { Money } from '../../shared/money.js';
import type { ActiveCategory, AlertTarget, Residence, Visit } from './policy.types.js';
import type { MonitoringRule } from './rule-set.data.js';
import type { ResolvedRuleSet } from './rule-set.resolve.js';

/** A high-cost alert (domain.md §5.3), before its lifecycle (raised → delivered → reviewed) begins. */
export interface Alert {
  readonly ruleId: string;
  readonly citation: string;
  readonly measure: MonitoringRule['measure'];
  readonly threshold: Decimal;
  /** The measured amount, above the threshold. */
  readonly amount: Decimal;
  /** Agencies the alert is pushed to. */
  readonly targets: readonly AlertTarget[];
}

/** Who the person is, as the monitoring rules ask. */
export interface MonitoredPerson {
  readonly residence: Residence;
  readonly categories: readonly ActiveCategory[];
}

function alert(rule: MonitoringRule, threshold: Decimal, amount: Decimal): Alert {
  return { ruleId: rule.id, citation: rule.citation, measure: rule.measure, threshold, amount, targets: rule.targets };
}

/**
 * Alerts a single settled visit raises under the per-visit rules (gansu-2023
 * 三(一): rural inpatient stays above 7 200 after the three layers for
 * category holders, above 12 000 after insurance for everyone else rural).
 */
export function alertsForVisit(
  ruleSet: ResolvedRuleSet,
  person: MonitoredPerson,
  visit: Visit,
  settlement: { readonly outOfPocket: Decimal },
): Alert[] {
  return ruleSet.monitoring.flatMap((rule) => {
    if (rule.kind !== 'visit' || !rule.visitTypes.includes(visit.type) || person.residence !== rule.residence) return [];
    if ((rule.holders === 'ANY_CATEGORY') !== person.categories.length > 0) return [];
    const amount =
      rule.measure === 'STAY_OUT_OF_POCKET' ? settlement.outOfPocket : visit.totalCost.minus(visit.basicPaid).minus(visit.criticalPaid);
    const threshold = new Money(rule.threshold);
    return amount.greaterThan(threshold) ? [alert(rule, threshold, amount)] : [];
  });
}

/**
 * Alerts the year's out-of-pocket total raises when a visit moves it from
 * `before` to `after`: once, when it crosses the threshold (jiaxing-2023
 * 二(一)2). Rules whose threshold the source leaves to the region use
 * `config.monitoringThreshold` and raise nothing until it is configured.
 */
export function alertsForYear(
  ruleSet: ResolvedRuleSet,
  person: Pick<MonitoredPerson, 'categories'>,
  before: Decimal,
  after: Decimal,
): Alert[] {
  return ruleSet.monitoring.flatMap((rule) => {
    if (rule.kind !== 'year') return [];
    if (rule.holders !== 'EVERYONE' && !person.categories.some(({ category }) => rule.holders.includes(category))) return [];
    const threshold = typeof rule.threshold === 'string' ? new Money(rule.threshold) : ruleSet.config.monitoringThreshold;
    if (!threshold) return [];
    return before.lessThanOrEqualTo(threshold) && after.greaterThan(threshold) ? [alert(rule, threshold, after)] : [];
  });
}

/**
 * The alerts settling one visit raises: the per-visit rules on it, and the
 * yearly rules its out-of-pocket amount carries over their threshold.
 */
export function alertsForSettlement(
  ruleSet: ResolvedRuleSet,
  person: MonitoredPerson,
  visit: Visit,
  before: { readonly outOfPocket: Decimal },
  settlement: { readonly outOfPocket: Decimal; readonly ytd: { readonly outOfPocket: Decimal } },
): Alert[] {
  return [
    ...alertsForVisit(ruleSet, person, visit, settlement),
    ...alertsForYear(ruleSet, person, before.outOfPocket, settlement.ytd.outOfPocket),
  ];
}
