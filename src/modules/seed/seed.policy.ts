import { createHash } from 'node:crypto';
import { formatMoney, Money, ZERO } from '../../shared/money.js';
import { alertDrafts } from '../alert/alert.draft.js';
import { alertsForSettlement } from '../policy/monitoring.engine.js';
import { ParameterNotSetError, PolicyInputError } from '../policy/policy.errors.js';
import type { Accumulators, Applications, IsoDate, RuleSetId, Visit } from '../policy/policy.types.js';
import { configForRuleSet, type RegionConfigVersion } from '../policy/region-config.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { resolveRuleSet, type ResolvedRuleSet } from '../policy/rule-set.resolve.js';
import { activeCategoriesOn, settle, type StatusRecord } from '../policy/settlement.engine.js';
import { quoteSubsidy, type SubsidyQuote } from '../policy/subsidy.engine.js';
import type { EnrollmentDraft, PersonRow, StatusRow, VisitDraft } from './seed.generator.js';
import type { AlertRow, BenefitRow, EnrollmentRow } from './seed.repository.js';

/** One person's settled visits and the alerts they raised. */
export interface SettledVisits {
  benefits: BenefitRow[];
  alerts: AlertRow[];
}

/** How generated enrollments and visits get their subsidy and settlement. */
export interface SeedPolicy {
  subsidize(person: PersonRow, statuses: readonly StatusRow[], enrollment: EnrollmentDraft): EnrollmentRow;
  /** Settles one person's visits in service-date order, carrying the year's accumulators. */
  settle(person: PersonRow, statuses: readonly StatusRow[], visits: readonly VisitDraft[]): SettledVisits;
}

/** The rule set, resolved with the configuration version in force, that governs a region on a day. */
interface Governing {
  readonly ruleSet: ResolvedRuleSet;
  /** Identifies the rule set and configuration version. */
  readonly key: string;
  readonly version: RegionConfigVersion | null;
}

/** The demo data generates no applications: a generated certification stands for its application. */
export const DEMO_APPLICATIONS: Applications = { tracked: false, reason: 'the demo data generates no applications' };

const START_OF_YEAR: Accumulators = { assistancePaid: ZERO, thresholdUsed: ZERO, inPolicyOopAfterThreeTiers: ZERO, outOfPocket: ZERO };

/**
 * The rule set governing `regionCode` on `date`, or null before any rule set
 * of the hub does (a benefit year that began before national-2021).
 */
export function ruleSetOn(regionCode: string, date: IsoDate): RuleSetId | null {
  try {
    return governingRuleSet(regionCode, date);
  } catch (error) {
    if (error instanceof PolicyInputError && error.field === 'serviceDate') return null;
    throw error;
  }
}

/** A UUID of version 7: `time` (ms) in its first 48 bits, then 74 bits of `bytes`, like the hub's other ids. */
export function uuidV7(time: number, bytes: Uint8Array): string {
  const hex = time.toString(16).padStart(12, '0') + Buffer.from(bytes.subarray(0, 10)).toString('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function statusRecord(status: StatusRow): StatusRecord {
  // revokedAt is a timestamp; the engine takes it as a Date and reads its UTC day, as it does a stored one.
  return { ...status, revokedAt: status.revokedAt === null ? null : new Date(status.revokedAt) };
}

function visitOf(draft: VisitDraft): Visit {
  return {
    type: draft.visitType,
    referral: draft.referral,
    inProvince: draft.inProvince,
    diagnosis: draft.diagnosis,
    totalCost: new Money(draft.totalCost),
    inPolicyCost: new Money(draft.inPolicyCost),
    basicPaid: new Money(draft.basicPaid),
    criticalPaid: new Money(draft.criticalPaid),
    otherPaid: new Money(draft.otherPaid),
  };
}

/** Names what is missing and where, for the person who has to configure it. */
function notSet(error: ParameterNotSetError, what: string, regionCode: string, date: IsoDate, version: RegionConfigVersion | null): Error {
  const source = version
    ? `the region configuration ${version.id} (${version.regionCode}, ${version.year}, from ${version.effectiveFrom})`
    : `no region configuration`;
  return new Error(
    `${error.code}: cannot seed ${what} in ${regionCode} on ${date}: ${error.ruleSet} sets no ${error.parameter} for ${error.category}, ` +
      `and ${source} does not configure it; configure it, or seed another region or year. Nothing of this batch was stored.`,
    { cause: error },
  );
}

/**
 * The policy engine applied to generated data: enrollment subsidies under
 * the rule set of the benefit year's 1 January, visits settled per person in
 * order with the year's accumulators, alerts of the monitoring rules; each
 * with the configuration version in force for the person's region and date
 * among `configs`. Throws (naming rule set, category and parameter) when a
 * parameter the data needs is neither stated nor configured.
 */
export function enginePolicy(configs: readonly RegionConfigVersion[]): SeedPolicy {
  const resolved = new Map<string, Governing>();
  const resolve = (id: RuleSetId, version: RegionConfigVersion | null): Governing => {
    const key = `${id}/${version?.id ?? ''}`;
    let found = resolved.get(key);
    if (!found) {
      found = { ruleSet: resolveRuleSet(id, version?.config), key, version };
      resolved.set(key, found);
    }
    return found;
  };
  // Thousands of enrollments and visits share a county and a day: what governs them is looked up once.
  const governing = new Map<string, Governing | null>();
  const governingOn = (regionCode: string, date: IsoDate): Governing | null => {
    const at = `${regionCode}|${date}`;
    let found = governing.get(at);
    if (found === undefined) {
      const id = ruleSetOn(regionCode, date);
      found = id === null ? null : resolve(id, configForRuleSet(configs, regionCode, date, id));
      governing.set(at, found);
    }
    return found;
  };
  // A quote depends only on its inputs, and nearly every enrollment has the same ones (no category): one quote each.
  const quotes = new Map<string, SubsidyQuote>();

  return {
    subsidize(person, statuses, enrollment) {
      const date = `${enrollment.year}-01-01`;
      const contribution = enrollment.scheme === 'RESIDENT' ? enrollment.personalContribution : null;
      const terms = contribution === null ? null : governingOn(person.regionCode, date);
      if (contribution === null || terms === null) return { ...enrollment, subsidyAmount: null, subsidyCategory: null, ruleSet: null };
      const { ruleSet, key, version } = terms;
      try {
        const categories = activeCategoriesOn(statuses.map(statusRecord), date, ruleSet);
        const held = categories.map((c) => `${c.category}/${c.class}/${c.retroactive}`).join();
        const quoteKey = `${key}|${enrollment.year}|${contribution}|${held}`;
        let quote = quotes.get(quoteKey);
        if (!quote) {
          quote = quoteSubsidy({
            ruleSet,
            year: enrollment.year,
            personalContribution: new Money(contribution),
            categories,
          });
          quotes.set(quoteKey, quote);
        }
        return { ...enrollment, subsidyAmount: formatMoney(quote.subsidy), subsidyCategory: quote.category, ruleSet: ruleSet.id };
      } catch (error) {
        if (error instanceof ParameterNotSetError)
          throw notSet(error, `the ${enrollment.year} subsidy of person ${person.id}`, person.regionCode, date, version);
        throw error;
      }
    },

    settle(person, statuses, visits) {
      const records = statuses.map(statusRecord);
      const result: SettledVisits = { benefits: [], alerts: [] };
      let ytd = START_OF_YEAR;
      // The order defines the accumulators; claim ids break ties as they do when stored records are settled again.
      const ordered = [...visits].sort((a, b) => a.serviceDate.localeCompare(b.serviceDate) || a.claimId.localeCompare(b.claimId));
      for (const draft of ordered) {
        // The seed refuses a year that begins before any rule set governs, so every visit has one.
        const { ruleSet, version } = governingOn(person.regionCode, draft.serviceDate)!;
        const categories = activeCategoriesOn(records, draft.serviceDate, ruleSet);
        const visit = visitOf(draft);
        let settled;
        try {
          settled = settle({
            ruleSet,
            serviceDate: draft.serviceDate,
            birthDate: person.birthDate,
            categories,
            applications: DEMO_APPLICATIONS,
            ytd,
            visit,
          });
        } catch (error) {
          if (error instanceof ParameterNotSetError)
            throw notSet(error, `claim ${draft.claimId}`, person.regionCode, draft.serviceDate, version);
          throw error;
        }
        result.benefits.push({
          ...draft,
          assistancePaid: formatMoney(settled.assistance),
          tiltPaid: formatMoney(settled.tilt),
          outOfPocket: formatMoney(settled.outOfPocket),
          thresholdApplied: formatMoney(settled.thresholdApplied),
          tiltBase: formatMoney(settled.ytd.inPolicyOopAfterThreeTiers.minus(ytd.inPolicyOopAfterThreeTiers)),
          providerBorne: formatMoney(settled.providerBorne),
          ruleSet: settled.ruleSet,
          ruleSetVersion: settled.ruleSetVersion,
          category: settled.category,
          class: settled.class,
          regionConfigId: version?.id ?? null,
          explanation: JSON.stringify(settled.explanation),
        });
        const alerts = alertsForSettlement(ruleSet, { residence: person.residence, categories }, visit, ytd, settled);
        for (const draftAlert of alertDrafts(
          person.id,
          ruleSet.id,
          draft.serviceDate,
          // The seeder stores its claims in their city's namespace (seed.repository.ts).
          { jurisdiction: person.regionCode.slice(0, 4), id: draft.claimId },
          alerts,
        )) {
          result.alerts.push({
            // Derived from what makes the alert one alert, so that a re-run proposes the same row.
            id: uuidV7(Date.parse(`${draft.serviceDate}T00:00:00Z`), createHash('sha256').update(draftAlert.dedupeKey).digest()),
            personId: draftAlert.personId,
            rule: draftAlert.rule,
            ruleSet: draftAlert.ruleSet,
            citation: draftAlert.citation,
            measure: draftAlert.measure,
            threshold: formatMoney(draftAlert.threshold),
            amount: formatMoney(draftAlert.amount),
            targets: [...draftAlert.targets],
            year: draftAlert.year,
            month: draftAlert.month,
            benefitId: draft.id,
            dedupeKey: draftAlert.dedupeKey,
          });
        }
        ytd = settled.ytd;
      }
      return result;
    },
  };
}
