/**
 * The pure policy engine on one core (the main thread, no workers): settlement
 * quotes (`settle` with `alertsForVisit` and `alertsForYear`, as the hub does
 * per claim) and subsidy quotes (`quoteSubsidy`) per second under each rule
 * set, over the same seeded pseudo-random claims: every visit type and
 * referral, none to three categories per person, accumulators part-used so
 * thresholds and caps bind sometimes. Each rule set is resolved once, as the
 * hub caches it, with a region configuration that fills exactly the parameters
 * the engine reports unset, so no quote raises `ParameterNotSetError`. Each
 * timed pass follows a warm-up; per-quote p50/p99 are taken over batches of
 * `--batch` quotes. Prints a table to stdout and progress to stderr; asserts
 * nothing.
 *
 *   npm run bench:engine -- [--claims N] [--batch N]
 */
import './production.js';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Decimal } from 'decimal.js';
import { alertsForVisit, alertsForYear, type MonitoredPerson } from '../src/modules/policy/monitoring.engine.js';
import { ParameterNotSetError } from '../src/modules/policy/policy.errors.js';
import { Random } from '../src/modules/seed/random.js';
import {
  ASSISTANCE_CATEGORIES,
  PROVIDER_FEE_CLASSES,
  RESIDENCES,
  RULE_SET_IDS,
  VISIT_TYPES,
  type Accumulators,
  type ActiveCategory,
  type AssistanceCategory,
  type IsoDate,
  type RegionConfig,
  type RuleSetId,
  type Visit,
} from '../src/modules/policy/policy.types.js';
import { assistanceTerms, resolveRuleSet, subsidyTerms } from '../src/modules/policy/rule-set.resolve.js';
import { settle } from '../src/modules/policy/settlement.engine.js';
import { quoteSubsidy } from '../src/modules/policy/subsidy.engine.js';
import { Money, ZERO } from '../src/shared/money.js';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '20000' }, batch: { type: 'string', default: '100' } } });
const claims = Number(values.claims);
const batch = Number(values.batch);
const WARM_UP = Math.min(claims, 5_000);
// Every rule set is in force in 2024, and gansu's fixed subsidies start with it.
const YEAR = 2024;

// The seeder's PRNG, so that every run quotes the same claims.
const random = new Random(20_240_101);
const int = (min: number, max: number): number => random.int(min, max);
const pick = <T>(items: readonly T[]): T => random.pick(items);
const chance = (p: number): boolean => random.chance(p);
const yuan = (fen: number): Decimal => new Money(fen).div(100);
const dayOf = (year: number): IsoDate => `${year}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;

/** One claim of one person: who, when, the year so far, the visit and the personal contribution of the year. */
interface Claim {
  readonly person: MonitoredPerson & { readonly birthDate: IsoDate };
  readonly serviceDate: IsoDate;
  readonly ytd: Accumulators;
  readonly visit: Visit;
  readonly contribution: Decimal;
}

/** None, one or up to three categories; MINIMUM_LIVING always with its class. */
function categories(): ActiveCategory[] {
  const count = pick([0, 1, 1, 1, 1, 2, 2, 3]);
  const held = new Set<AssistanceCategory>();
  while (held.size < count) held.add(pick(ASSISTANCE_CATEGORIES));
  return [...held].map((category) => (category === 'MINIMUM_LIVING' ? { category, class: int(1, 4) } : { category }));
}

/** Amounts in fen, so every amount has two decimals; a quarter of the claims are a person's first of the year. */
function claim(): Claim {
  const type = pick(VISIT_TYPES);
  const total = type === 'INPATIENT' ? int(300_000, 15_000_000) : int(20_000, 2_000_000);
  const inPolicy = Math.floor(total * (0.6 + 0.4 * random.next()));
  const basic = Math.floor(inPolicy * (0.3 + 0.4 * random.next()));
  const critical = chance(0.3) ? Math.floor((inPolicy - basic) * 0.4 * random.next()) : 0;
  const providerFeeClass = chance(0.5) ? pick(PROVIDER_FEE_CLASSES) : null;
  // A provider bearing out-of-catalog cost and another insurer paying it would pay it twice (as in the property tests).
  const other = providerFeeClass === null && chance(0.2) ? int(0, total - inPolicy) : 0;
  const firstOfYear = chance(0.25);
  const used = (maxFen: number): Decimal => (firstOfYear ? ZERO : yuan(int(0, maxFen)));
  return {
    // Born 1940–2020: about one in five is a child, for jiaxing's children rule.
    person: { birthDate: dayOf(int(1940, 2020)), residence: pick(RESIDENCES), categories: categories() },
    serviceDate: dayOf(YEAR),
    ytd: {
      assistancePaid: used(7_000_000),
      thresholdUsed: used(500_000),
      inPolicyOopAfterThreeTiers: used(1_500_000),
      outOfPocket: used(3_000_000),
    },
    visit: {
      type,
      referral: chance(0.1) ? 'UNREFERRED' : chance(0.2) ? 'REFERRED' : 'LOCAL',
      inProvince: chance(0.85),
      providerFeeClass,
      diagnosis: pick(['I63.9', 'E11.9', 'C34.9', 'N18.5', 'Q21.1', 'C92.0']),
      totalCost: yuan(total),
      inPolicyCost: yuan(inPolicy),
      basicPaid: yuan(basic),
      criticalPaid: yuan(critical),
      otherPaid: yuan(other),
    },
    contribution: yuan(pick([35_000, 38_000, 40_000])),
  };
}

/** What the region configures where a rule set is silent; `configFor` fills only those gaps. */
const FILL = { threshold: yuan(300_000), ratio: new Money('0.65'), cap: yuan(5_000_000), subsidy: yuan(20_000) };
const KEYS = { threshold: 'thresholds', ratio: 'ratios', cap: 'caps', subsidy: 'subsidies' } as const;
const EVERY_CATEGORY: ActiveCategory[] = ASSISTANCE_CATEGORIES.flatMap<ActiveCategory>((category) =>
  category === 'MINIMUM_LIVING' ? [1, 2, 3, 4].map((cls) => ({ category, class: cls })) : [{ category }],
);

/** Income and monitoring threshold, plus every threshold, ratio, cap and subsidy the engine names unset for some category. */
function configFor(id: RuleSetId): RegionConfig {
  const config = { income: yuan(4_200_000), monitoringThreshold: yuan(2_000_000), thresholds: {}, ratios: {}, caps: {}, subsidies: {} };
  for (;;) {
    try {
      const ruleSet = resolveRuleSet(id, config);
      for (const active of EVERY_CATEGORY) {
        for (const type of VISIT_TYPES) assistanceTerms(ruleSet, active, type);
        subsidyTerms(ruleSet, active, YEAR);
      }
      return config;
    } catch (error) {
      if (!(error instanceof ParameterNotSetError) || error.parameter === 'income') throw error;
      const gaps: Partial<Record<AssistanceCategory, Decimal>> = config[KEYS[error.parameter]];
      if (gaps[error.category]) throw error;
      gaps[error.category] = FILL[error.parameter];
    }
  }
}

const inputs = Array.from({ length: claims }, claim);
process.stderr.write(`${claims} claims generated\n`);

/** A timed pass: its duration, the per-quote latency of each batch in µs, and how many quotes paid anything. */
type Timing = { readonly quotes: number; readonly ms: number; readonly samples: number[]; readonly paid: number };

/** A warm-up over the first claims, then every claim timed in batches; `quote` tells whether it pays anything. */
function time(quote: (claim: Claim) => boolean): Timing {
  for (let i = 0; i < WARM_UP; i += 1) quote(inputs[i]!);
  const samples: number[] = [];
  let paid = 0;
  const started = performance.now();
  for (let from = 0; from < claims; from += batch) {
    const to = Math.min(claims, from + batch);
    const batchStarted = performance.now();
    for (let i = from; i < to; i += 1) if (quote(inputs[i]!)) paid += 1;
    samples.push(((performance.now() - batchStarted) * 1000) / (to - from));
  }
  return { quotes: claims, ms: performance.now() - started, samples, paid };
}

const rows: (Timing & { ruleSet: string; kind: string })[] = [];
for (const id of RULE_SET_IDS) {
  const ruleSet = resolveRuleSet(id, configFor(id));
  process.stderr.write(`  ${id}: settlement…\n`);
  const settlement = time(({ person, serviceDate, ytd, visit }) => {
    const result = settle({
      ruleSet,
      serviceDate,
      birthDate: person.birthDate,
      categories: person.categories,
      applications: { tracked: false, reason: 'the benchmark keeps no applications' },
      ytd,
      visit,
    });
    alertsForVisit(ruleSet, person, visit, result);
    alertsForYear(ruleSet, person, ytd.outOfPocket, result.ytd.outOfPocket);
    return !result.assistance.plus(result.tilt).isZero();
  });
  process.stderr.write(`  ${id}: subsidy…\n`);
  const subsidy = time(({ person, contribution }) => {
    const quote = quoteSubsidy({ ruleSet, year: YEAR, personalContribution: contribution, categories: person.categories });
    return !quote.subsidy.isZero();
  });
  rows.push({ ruleSet: id, kind: 'settlement', ...settlement }, { ruleSet: id, kind: 'subsidy', ...subsidy });
}
for (const kind of ['settlement', 'subsidy']) {
  const of = rows.filter((row) => row.kind === kind);
  const sum = (key: 'quotes' | 'ms' | 'paid') => of.reduce((total, row) => total + row[key], 0);
  rows.push({ ruleSet: 'total', kind, quotes: sum('quotes'), ms: sum('ms'), samples: of.flatMap((row) => row.samples), paid: sum('paid') });
}

const load = os.loadavg().map((average) => average.toFixed(2));
console.log(`node ${process.version}, ${os.cpus()[0]?.model}, one core (main thread), load average ${load.join(' ')}`);
console.log(`${claims} claims per rule set, warm-up ${WARM_UP}, per-quote latency over batches of ${batch}\n`);
const table = rows.map(({ ruleSet, kind, quotes, ms, samples, paid }) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const percentile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  const rate = Math.round((quotes / ms) * 1000).toString();
  return [ruleSet, kind, rate, ((ms * 1000) / quotes).toFixed(1), percentile(0.5), percentile(0.99), ((100 * paid) / quotes).toFixed(0)];
});
const header = ['rule set', 'quote', 'quotes/s', 'mean µs', 'p50 µs', 'p99 µs', 'paid %'];
for (const cells of [header, ...table]) console.log(cells.map((cell, i) => (i < 2 ? cell.padEnd(14) : cell.padStart(10))).join(''));
