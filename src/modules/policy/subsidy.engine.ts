import type { Decimal } from 'decimal.js';
import { formatMoney, minMoney, roundFen, ZERO } from '../../shared/money.js';
import { PolicyInputError } from './policy.errors.js';
import { ASSISTANCE_CATEGORIES, type ActiveCategory, type AssistanceCategory, type ExplanationStep } from './policy.types.js';
import { assertYearInForce, subsidyTerms, type ResolvedRuleSet, type SubsidyTerms } from './rule-set.resolve.js';

/** What the enrollment subsidy of one person for one benefit year depends on (domain.md §4). */
export interface SubsidyInput {
  readonly ruleSet: ResolvedRuleSet;
  /** The benefit year (待遇享受期) the contribution pays for. */
  readonly year: number;
  /** The resident insurance's personal contribution for that year. */
  readonly personalContribution: Decimal;
  /** Categories active when the subsidy is decided. */
  readonly categories: readonly ActiveCategory[];
}

/** The subsidy and the category that earned it; category null when no category earns one. */
export interface SubsidyQuote {
  readonly category: AssistanceCategory | null;
  readonly class: number | null;
  readonly subsidy: Decimal;
  readonly explanation: readonly ExplanationStep[];
}

// Never more than the contribution itself (domain.md §4): a fixed amount above it pays the contribution.
const CAPPED_CITATION = 'domain.md §4 (a subsidy never exceeds the personal contribution)';

function amountOf(terms: SubsidyTerms, contribution: Decimal): Decimal {
  if (terms.kind === 'full') return contribution;
  if (terms.kind === 'fixed') return minMoney(terms.amount, contribution);
  return minMoney(roundFen(terms.share.times(contribution)), contribution);
}

function describe(terms: SubsidyTerms): string {
  if (terms.kind === 'full') return 'full contribution';
  if (terms.kind === 'fixed') return `fixed ${terms.amount.toFixed(2)}`;
  return `${terms.share.toString()} of the contribution`;
}

/**
 * The enrollment subsidy: each active category's amount under the rule set,
 * the highest applies (就高从优; ties by the order of domain.md §3), never more
 * than the personal contribution. Throws `ParameterNotSetError` when a held
 * category's amount is left to the province and not configured.
 */
export function quoteSubsidy({ ruleSet, year, personalContribution, categories }: SubsidyInput): SubsidyQuote {
  if (!Number.isInteger(year)) throw new PolicyInputError('year', `not a year: ${year}`);
  assertYearInForce(ruleSet, year, 'year');
  if (personalContribution.isNegative() || personalContribution.decimalPlaces() > 2) {
    throw new PolicyInputError('personalContribution', 'must be an amount ≥ 0 with at most two decimals');
  }
  const ordered = [...categories].sort((a, b) => ASSISTANCE_CATEGORIES.indexOf(a.category) - ASSISTANCE_CATEGORIES.indexOf(b.category));
  // All terms first: one unknown amount makes the highest unknowable.
  const candidates = ordered.flatMap((active) => {
    const terms = subsidyTerms(ruleSet, active, year);
    return terms ? [{ active, terms, amount: amountOf(terms, personalContribution) }] : [];
  });
  const steps: ExplanationStep[] = candidates.map(({ active, terms, amount }) => ({
    step: 'candidate',
    amount: formatMoney(amount),
    detail: `${active.category}${active.class != null ? ` class ${active.class}` : ''}: ${describe(terms)} of ${personalContribution.toFixed(2)}`,
    citation: terms.citation,
  }));
  const best = candidates.reduce<(typeof candidates)[number] | null>(
    (top, next) => (top === null || next.amount.greaterThan(top.amount) ? next : top),
    null,
  );
  if (!best || best.amount.isZero()) {
    steps.push({
      step: 'subsidy',
      amount: formatMoney(ZERO),
      detail: `no active category is subsidised under ${ruleSet.id} for ${year}`,
      citation: ruleSet.subsidies[0]?.citation ?? ruleSet.id,
    });
    return { category: null, class: null, subsidy: ZERO, explanation: steps };
  }
  steps.push({
    step: 'subsidy',
    amount: formatMoney(best.amount),
    detail: `${best.active.category}, the highest of ${candidates.length}, at most the contribution ${personalContribution.toFixed(2)}`,
    citation: candidates.length > 1 ? ruleSet.highestApplies : CAPPED_CITATION,
  });
  return { category: best.active.category, class: best.active.class ?? null, subsidy: best.amount, explanation: steps };
}
