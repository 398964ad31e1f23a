import type { Decimal } from 'decimal.js';

/**
 * The assistance categories of domain.md §3, in the order of that table. The
 * order is normative: it breaks ties between equally good candidates in the
 * settlement (§5.2 step 3) and in the enrollment subsidy.
 */
export const ASSISTANCE_CATEGORIES = [
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
] as const;

/** A category code of domain.md §3 (救助对象类别). */
export type AssistanceCategory = (typeof ASSISTANCE_CATEGORIES)[number];

/** The kinds of care a settlement covers (domain.md §5.2 input). */
export const VISIT_TYPES = ['INPATIENT', 'OUTPATIENT_CHRONIC', 'OUTPATIENT_SPECIAL_DRUG'] as const;
/** Inpatient stay, outpatient chronic/special disease (门诊慢特病), or outpatient special drug (门诊特药). */
export type VisitType = (typeof VISIT_TYPES)[number];

/** How the patient reached the provider (domain.md §5.2 input). */
export const REFERRALS = ['LOCAL', 'REFERRED', 'UNREFERRED'] as const;
/** LOCAL: designated provider of the insured region; REFERRED: referred per rules within the province. */
export type Referral = (typeof REFERRALS)[number];

/** Household registration type (户籍), used by the monitoring rules of domain.md §5.3. */
export const RESIDENCES = ['RURAL', 'URBAN'] as const;
/** Rural or urban residence. */
export type Residence = (typeof RESIDENCES)[number];

/** The versioned rule sets the engine knows (domain.md, table of sources). */
export const RULE_SET_IDS = ['national-2021', 'gansu-2023', 'jiaxing-2023', 'shanxi-2022'] as const;
/** Identifier of a rule set. */
export type RuleSetId = (typeof RULE_SET_IDS)[number];

/**
 * Fee-standard class of an in-province provider, as the shanxi-2022
 * out-of-catalog cost control distinguishes them (省内一类 / 省市级二类 / 县级二类及三类).
 */
export const PROVIDER_FEE_CLASSES = ['PROVINCIAL_CLASS_1', 'PROVINCIAL_CITY_CLASS_2', 'COUNTY_CLASS_2_3'] as const;
/** A provider fee-standard class. */
export type ProviderFeeClass = (typeof PROVIDER_FEE_CLASSES)[number];

/** Agencies a high-cost alert is pushed to (domain.md §5.3). */
export type AlertTarget = 'CIVIL_AFFAIRS' | 'RURAL_REVITALIZATION';

/** A calendar date written `YYYY-MM-DD`; compared as text, which orders it chronologically. */
export type IsoDate = string;

/** A category a person holds on the date in question. */
export interface ActiveCategory {
  readonly category: AssistanceCategory;
  /** Only MINIMUM_LIVING has a class (gansu rural 1–4; urban 全额 counts as 1–2, 差额 as 3–4). */
  readonly class?: number | null;
  /** True when the category is active only through a retroactive window (jiaxing-2023 二(二)7). */
  readonly retroactive?: boolean;
}

/** An approved application for assistance in a category, covering the service date. */
export interface ApprovedApplication {
  /** The application's reference, cited in the explanation. */
  readonly reference: string;
}

/**
 * What the caller knows of applications (依申请, domain.md §3) for the categories a rule set does not assist
 * directly. `tracked`: the approved applications covering the service date, by category; a category without one
 * is no candidate. `untracked`: the caller keeps no applications, so a certification stands for its application;
 * `reason` says so in the explanation. The caller must choose: there is no default.
 */
export type Applications =
  | { readonly tracked: true; readonly approved: Partial<Record<AssistanceCategory, ApprovedApplication>> }
  | { readonly tracked: false; readonly reason: string };

/** Outpatient visit types, whose ratios a region configures apart from the inpatient ones. */
export type OutpatientVisitType = Exclude<VisitType, 'INPATIENT'>;

/** A person's running totals for one calendar year (domain.md §5.2 step 11). */
export interface Accumulators {
  /** Medical assistance paid so far; the annual cap is measured against it (tilt excluded). */
  readonly assistancePaid: Decimal;
  /** Part of the annual threshold (起付标准) already consumed. */
  readonly thresholdUsed: Decimal;
  /** In-policy amount left after basic, critical and assistance, before tilt (gansu tilt base). */
  readonly inPolicyOopAfterThreeTiers: Decimal;
  /** Everything the person paid so far (jiaxing 5 000 alert). */
  readonly outOfPocket: Decimal;
}

/**
 * A region's configuration: the parameters the sources leave to the pooling
 * region, or overrides of stated ones. Policy cases carry it as `config`; the
 * hub loads the same shape per region and year.
 */
export interface RegionConfig {
  /**
   * Previous-year per-capita disposable income (上年居民人均可支配收入) that the rule set's income-share thresholds
   * use: the pooling region's for national-2021, gansu-2023 and jiaxing-2023, the province's for shanxi-2022.
   */
  readonly income?: Decimal;
  /** Annual thresholds (起付标准) by category, as amounts. */
  readonly thresholds?: Partial<Record<AssistanceCategory, Decimal>>;
  /** Annual caps (年度救助限额) by category. */
  readonly caps?: Partial<Record<AssistanceCategory, Decimal>>;
  /** Inpatient assistance ratios by category, e.g. 0.65; they replace the rule set's inpatient ratio for every class. */
  readonly ratios?: Partial<Record<AssistanceCategory, Decimal>>;
  /** Outpatient ratios by visit type and category, configured apart from the inpatient ones (domain.md §5.1). */
  readonly outpatientRatios?: Partial<Record<OutpatientVisitType, Partial<Record<AssistanceCategory, Decimal>>>>;
  /** Tilted assistance where the rule set leaves it to the region: `ratio` of the yearly in-policy remainder above `threshold`. */
  readonly tilt?: { readonly threshold: Decimal; readonly ratio: Decimal };
  /** Fixed enrollment subsidies by category, for amounts "set by the province" (national-2021 (二)). */
  readonly subsidies?: Partial<Record<AssistanceCategory, Decimal>>;
  /** Annual-burden alert threshold of the monitoring rules the source leaves to the region (national-2021 (七), shanxi-2022). */
  readonly monitoringThreshold?: Decimal;
}

/** One visit (claim) as the settlement receives it after basic and critical-illness insurance. */
export interface Visit {
  readonly type: VisitType;
  readonly referral: Referral;
  readonly inProvince: boolean;
  /** Needed only where a rule set distinguishes fee classes (shanxi-2022 out-of-catalog cost control). */
  readonly providerFeeClass?: ProviderFeeClass | null;
  /** ICD-10 code, e.g. `Q21.1`. */
  readonly diagnosis: string;
  readonly totalCost: Decimal;
  /** In-policy (政策范围内 / 目录内) part of the total cost. */
  readonly inPolicyCost: Decimal;
  readonly basicPaid: Decimal;
  readonly criticalPaid: Decimal;
  /** Other supplementary insurance (e.g. 嘉兴大病无忧). */
  readonly otherPaid: Decimal;
}

/** One line of a settlement or subsidy explanation. */
export interface ExplanationStep {
  /** Short name of the step, e.g. `base`, `threshold`, `cap`. */
  readonly step: string;
  /** The step's amount with two decimals, or null when the step has none. */
  readonly amount: string | null;
  /** How the amount came about, in words and numbers. */
  readonly detail: string;
  /** Document and clause of the rule that produced the step. */
  readonly citation: string;
}
