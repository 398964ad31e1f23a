import type { Decimal } from 'decimal.js';
import { formatMoney, maxMoney, minMoney, Money, ZERO } from '../../shared/money.js';
import { yearOf } from './policy.dates.js';
import { PolicyInputError } from './policy.errors.js';
import type { ExplanationStep, IsoDate, Referral, RuleSetId } from './policy.types.js';
import { RULE_SETS, type ResidualRule } from './rule-set.data.js';
import { resolveRuleSet } from './rule-set.resolve.js';
import { activeCategoriesOn, type StatusRecord } from './settlement.engine.js';

/** A settled visit as the residual counts it: what the person still paid after the three layers and other insurance. */
export interface ResidualVisit {
  readonly claimId: string;
  readonly serviceDate: IsoDate;
  readonly referral: Referral;
  /** The rule set the visit was settled under; the residual counts visits of rule sets with a 动态清零 rule. */
  readonly ruleSet: RuleSetId | string | null;
  readonly outOfPocket: Decimal;
}

/** A payment a partner made after the three layers (commercial insurance, charity). */
export interface PartnerPayment {
  readonly kind: 'COMMERCIAL' | 'CHARITY';
  readonly amount: Decimal;
  readonly paidOn: IsoDate;
  /** The settled claim it follows; when given, the payment counts only with that claim. */
  readonly claimId: string | null;
}

/** One person of a household, with the year's records. */
export interface ResidualMember {
  readonly personId: string;
  readonly statuses: readonly StatusRecord[];
  readonly visits: readonly ResidualVisit[];
  readonly payments: readonly PartnerPayment[];
}

/** What remains to one person in a year after every layer, and the part above the person cap. */
export interface PersonResidual {
  readonly personId: string;
  readonly year: number;
  /** The rule set whose 动态清零 rule counted the visits; null when no counted visit had one. */
  readonly ruleSet: RuleSetId | null;
  readonly visitsCounted: number;
  /** Out-of-pocket of the counted visits. */
  readonly outOfPocket: Decimal;
  /** Commercial insurance and charity paid towards the counted visits. */
  readonly partnerPaid: Decimal;
  /** outOfPocket − partnerPaid, at least 0. */
  readonly residual: Decimal;
  readonly cap: Decimal | null;
  /** The part of the residual above the person cap: the fund's to cover. */
  readonly excess: Decimal;
  readonly explanation: readonly ExplanationStep[];
}

/** The household's year: each member's residual, the household cap over what the person caps leave, the fund's share. */
export interface HouseholdResidual {
  readonly year: number;
  readonly members: readonly PersonResidual[];
  /** The members' residuals after the person cap, summed. */
  readonly residual: Decimal;
  readonly cap: Decimal | null;
  /** The part of that sum above the household cap. */
  readonly excess: Decimal;
  /** What the city's fund must cover: every member's excess plus the household's. */
  readonly fundCovers: Decimal;
  readonly explanation: readonly ExplanationStep[];
}

const step = (name: string, amount: Decimal | null, detail: string, citation: string): ExplanationStep => ({
  step: name,
  amount: amount === null ? null : formatMoney(amount),
  detail,
  citation,
});

function ruleOf(ruleSet: string | null): { id: RuleSetId; rule: ResidualRule } | null {
  const definition = ruleSet ? RULE_SETS[ruleSet as RuleSetId] : undefined;
  return definition?.residual ? { id: definition.id, rule: definition.residual } : null;
}

function checkAmount(value: Decimal, field: string): void {
  if (value.isNegative() || value.decimalPlaces() > 2) throw new PolicyInputError(field, 'must be an amount ≥ 0 with at most two decimals');
}

/**
 * What remains to one person in `year` after every layer (jiaxing-2023 二(二)12): the out-of-pocket of the visits
 * settled under a rule set with a 动态清零 rule, made under the referral rules (not UNREFERRED) on a day the person
 * held one of its categories (with that rule set's timing), less what partners paid towards them; above the
 * person cap, the fund's share. Pure: the caller supplies the year's records; "as of" a day is the records so far.
 */
export function personResidual(member: ResidualMember, year: number): PersonResidual {
  const steps: ExplanationStep[] = [];
  let outOfPocket: Decimal = ZERO;
  let governing: { id: RuleSetId; rule: ResidualRule } | null = null;
  const counted = new Set<string>();
  for (const [index, visit] of member.visits.entries()) {
    checkAmount(visit.outOfPocket, `visits[${index}].outOfPocket`);
    if (yearOf(visit.serviceDate) !== year) continue;
    const found = ruleOf(visit.ruleSet);
    if (!found) continue;
    governing ??= found;
    const { id, rule } = found;
    if (visit.referral === 'UNREFERRED') {
      steps.push(step('visit', ZERO, `claim ${visit.claimId}: unreferred, not counted`, rule.citation));
      continue;
    }
    const held = activeCategoriesOn(member.statuses, visit.serviceDate, resolveRuleSet(id)).filter((active) =>
      rule.categories.includes(active.category),
    );
    if (held.length === 0) {
      steps.push(step('visit', ZERO, `claim ${visit.claimId}: no class 1–3 category on ${visit.serviceDate}, not counted`, rule.citation));
      continue;
    }
    counted.add(visit.claimId);
    outOfPocket = outOfPocket.plus(visit.outOfPocket);
    steps.push(step('visit', visit.outOfPocket, `claim ${visit.claimId} on ${visit.serviceDate} (${held[0]!.category})`, rule.citation));
  }
  let partnerPaid: Decimal = ZERO;
  for (const [index, payment] of member.payments.entries()) {
    checkAmount(payment.amount, `payments[${index}].amount`);
    if (yearOf(payment.paidOn) !== year) continue;
    if (payment.claimId !== null ? !counted.has(payment.claimId) : counted.size === 0) continue;
    partnerPaid = partnerPaid.plus(payment.amount);
    const towards = payment.claimId === null ? 'the year' : `claim ${payment.claimId}`;
    steps.push(
      step(
        payment.kind === 'CHARITY' ? 'charity' : 'commercial',
        payment.amount,
        `paid ${payment.paidOn} towards ${towards}`,
        governing!.rule.citation,
      ),
    );
  }
  const residual = maxMoney(ZERO, outOfPocket.minus(partnerPaid));
  const cap = governing ? new Money(governing.rule.personCap) : null;
  const excess = cap ? maxMoney(ZERO, residual.minus(cap)) : ZERO;
  if (governing) {
    steps.push(
      step(
        'residual',
        residual,
        `out-of-pocket ${formatMoney(outOfPocket)} − partners ${formatMoney(partnerPaid)}`,
        governing.rule.citation,
      ),
      step('excess', excess, `above the person cap ${formatMoney(cap!)}: the fund covers it`, governing.rule.citation),
    );
  }
  return {
    personId: member.personId,
    year,
    ruleSet: governing?.id ?? null,
    visitsCounted: counted.size,
    outOfPocket,
    partnerPaid,
    residual,
    cap,
    excess,
    explanation: steps,
  };
}

/**
 * The household's year (jiaxing-2023 二(二)12): each member's residual capped at the person cap, summed and
 * capped at the household cap; the fund covers every member's excess and the household's.
 */
export function householdResidual(members: readonly ResidualMember[], year: number): HouseholdResidual {
  const persons = members.map((member) => personResidual(member, year));
  const governing = persons.map((person) => ruleOf(person.ruleSet)).find((found) => found !== null) ?? null;
  const residual = persons.reduce<Decimal>(
    (sum, person) => sum.plus(person.cap ? minMoney(person.residual, person.cap) : person.residual),
    ZERO,
  );
  const cap = governing ? new Money(governing.rule.householdCap) : null;
  const excess = cap ? maxMoney(ZERO, residual.minus(cap)) : ZERO;
  const fundCovers = persons.reduce<Decimal>((sum, person) => sum.plus(person.excess), excess);
  const explanation = governing
    ? [
        step('residual', residual, `${persons.length} members' residuals, each within the person cap`, governing.rule.citation),
        step('excess', excess, `above the household cap ${formatMoney(cap!)}`, governing.rule.citation),
        step('fundCovers', fundCovers, "the members' excess and the household's", governing.rule.citation),
      ]
    : [];
  return { year, members: persons, residual, cap, excess, fundCovers, explanation };
}

/** Whether a household or person crossed a cap between two computations (raised once, when crossed). */
export function crossed(before: { residual: Decimal }, after: { residual: Decimal }, cap: Decimal | null): boolean {
  return cap !== null && before.residual.lessThanOrEqualTo(cap) && after.residual.greaterThan(cap);
}

/** The rule sets that have a 动态清零 rule, with their rules. */
export function residualRuleSets(): { id: RuleSetId; rule: ResidualRule }[] {
  return Object.values(RULE_SETS).flatMap((definition) => (definition.residual ? [{ id: definition.id, rule: definition.residual }] : []));
}

/** Whether a person's residual is above the person cap: the persons the city fund must cover. */
export function overPersonCap(person: PersonResidual): boolean {
  return person.cap !== null && person.residual.greaterThan(person.cap);
}

/** Whether a household's residual is above the household cap. */
export function overHouseholdCap(household: HouseholdResidual): boolean {
  return household.cap !== null && household.residual.greaterThan(household.cap);
}

/** The measure of the alert raised when a person's residual crosses the person cap. */
export const RESIDUAL_MEASURE = 'YEAR_RESIDUAL';

/** The alert a settlement raises when it carries a person's residual over the person cap. */
export interface ResidualCrossing {
  readonly ruleId: string;
  readonly ruleSet: RuleSetId;
  readonly citation: string;
  readonly measure: typeof RESIDUAL_MEASURE;
  readonly threshold: Decimal;
  readonly amount: Decimal;
  /** Civil affairs arranges what the city fund (the Red Cross fund) covers. */
  readonly targets: readonly 'CIVIL_AFFAIRS'[];
}

/**
 * The alert of a household's crossing of the household cap between `before` and `after` (the same household and
 * year without and with a new record), or null when it did not cross. The caller raises it once per household and year.
 */
export function householdCrossing(before: HouseholdResidual, after: HouseholdResidual): ResidualCrossing | null {
  const ruleSet = after.members.find((member) => member.ruleSet !== null)?.ruleSet ?? null;
  if (ruleSet === null || !crossed(before, after, after.cap)) return null;
  return {
    ruleId: `${ruleSet}/residual-household-cap`,
    ruleSet,
    citation: RULE_SETS[ruleSet].residual!.citation,
    measure: RESIDUAL_MEASURE,
    threshold: after.cap!,
    amount: after.residual,
    targets: ['CIVIL_AFFAIRS'],
  };
}

/**
 * The alert of a person's crossing of the person cap between `before` and `after` (the same person and year without
 * and with a new record), or null when the residual did not cross. The caller raises it once per person and year.
 */
export function residualCrossing(before: PersonResidual, after: PersonResidual): ResidualCrossing | null {
  if (after.ruleSet === null || !crossed(before, after, after.cap)) return null;
  return {
    ruleId: `${after.ruleSet}/residual-person-cap`,
    ruleSet: after.ruleSet,
    citation: RULE_SETS[after.ruleSet].residual!.citation,
    measure: RESIDUAL_MEASURE,
    threshold: after.cap!,
    amount: after.residual,
    targets: ['CIVIL_AFFAIRS'],
  };
}

/** A crossing found by replaying a year's records: the alert, and the member's visit that carried the residual over. */
export interface ReplayedCrossing {
  readonly crossing: ResidualCrossing;
  readonly personId: string;
  readonly claimId: string;
  readonly serviceDate: IsoDate;
}

/**
 * The first crossing of a cap in `year` up to `through`, replaying the members' visits in service-date order (then
 * claim id), each with the partner payments made by its day: the visit whose adding carried the residual over the
 * cap, as the settlement that stored it saw it (residualCrossing and householdCrossing). Partners' payments only
 * lower a residual, so the first visit after which it is over is a crossing. Null when it never was over.
 */
function firstCrossing<R extends { readonly residual: Decimal; readonly cap: Decimal | null }>(
  members: readonly ResidualMember[],
  year: number,
  through: IsoDate,
  compute: (members: readonly ResidualMember[]) => R,
  crossing: (before: R, after: R) => ResidualCrossing | null,
): ReplayedCrossing | null {
  const within = members.map((member) => ({
    ...member,
    visits: member.visits.filter((visit) => yearOf(visit.serviceDate) === year && visit.serviceDate <= through),
  }));
  // Without any payment the residual is at its highest: not over the cap then, never over it.
  const highest = compute(within.map((member) => ({ ...member, payments: [] })));
  if (highest.cap === null || highest.residual.lessThanOrEqualTo(highest.cap)) return null;
  const order = within
    .flatMap((member) => member.visits.map((visit) => ({ personId: member.personId, visit })))
    .sort((a, b) =>
      a.visit.serviceDate !== b.visit.serviceDate
        ? a.visit.serviceDate < b.visit.serviceDate
          ? -1
          : 1
        : a.visit.claimId !== b.visit.claimId
          ? a.visit.claimId < b.visit.claimId
            ? -1
            : 1
          : a.personId < b.personId
            ? -1
            : 1,
    );
  const asOf = (count: number, day: IsoDate) => {
    const included = new Set(order.slice(0, count).map((entry) => entry.visit));
    return compute(
      within.map((member) => ({
        ...member,
        visits: member.visits.filter((visit) => included.has(visit)),
        payments: member.payments.filter((payment) => payment.paidOn <= day),
      })),
    );
  };
  for (const [index, { personId, visit }] of order.entries()) {
    const found = crossing(asOf(index, visit.serviceDate), asOf(index + 1, visit.serviceDate));
    if (found) return { crossing: found, personId, claimId: visit.claimId, serviceDate: visit.serviceDate };
  }
  return null;
}

/** The first crossing of the person cap by `member` in `year` up to `through` (see firstCrossing), or null. */
export function firstPersonCrossing(member: ResidualMember, year: number, through: IsoDate): ReplayedCrossing | null {
  return firstCrossing([member], year, through, ([only]) => personResidual(only!, year), residualCrossing);
}

/** The first crossing of the household cap by the household of `members` in `year` up to `through`, or null. */
export function firstHouseholdCrossing(members: readonly ResidualMember[], year: number, through: IsoDate): ReplayedCrossing | null {
  return firstCrossing(members, year, through, (asOf) => householdResidual(asOf, year), householdCrossing);
}
