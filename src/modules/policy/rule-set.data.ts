import { isIsoDate } from './policy.dates.js';
import { PolicyInputError } from './policy.errors.js';
import {
  ASSISTANCE_CATEGORIES,
  RULE_SET_IDS,
  type AlertTarget,
  type AssistanceCategory,
  type IsoDate,
  type ProviderFeeClass,
  type Residence,
  type RuleSetId,
  type VisitType,
} from './policy.types.js';

/**
 * The four rule sets as versioned data. Amounts and ratios are decimal
 * strings (never floats); every rule carries the document and clause it comes
 * from; a parameter the source leaves to the region is an explicit `notSet`
 * whose citation says who must set it. Change a number → bump `version`.
 */

/** A parameter the source leaves to the region's configuration. */
export interface NotSet {
  readonly kind: 'notSet';
  readonly citation: string;
}

/** Annual threshold (起付标准): a fixed amount, a share of income, or not set. */
export type ThresholdSpec =
  | { readonly kind: 'amount'; readonly amount: string; readonly citation: string }
  | { readonly kind: 'incomeShare'; readonly share: string; readonly citation: string }
  | NotSet;

/** Assistance ratio; `atLeast` marks a floor ("不低于") that a configured ratio may not undercut. */
export type RatioSpec = { readonly kind: 'ratio'; readonly ratio: string; readonly atLeast: boolean; readonly citation: string } | NotSet;

/** Annual cap (年度救助限额), shared by all visit types of the year. */
export type CapSpec = { readonly kind: 'amount'; readonly amount: string; readonly citation: string } | NotSet;

/**
 * Parameters for some categories, optionally only for some MINIMUM_LIVING
 * classes or visit types. A rule set's rule overrides its parent's for the
 * parameters it defines; within one rule set a parameter is defined at most
 * once per category, class and visit type.
 */
export interface AssistanceRule {
  readonly categories: readonly AssistanceCategory[];
  readonly classes?: readonly number[];
  readonly visitTypes?: readonly VisitType[];
  readonly threshold?: ThresholdSpec;
  readonly ratio?: RatioSpec;
  readonly cap?: CapSpec;
}

/** Enrollment subsidy (资助参保) of domain.md §4 for some categories, optionally for some benefit years. */
export interface SubsidyRule {
  readonly categories: readonly AssistanceCategory[];
  readonly classes?: readonly number[];
  /** Benefit years the rule applies to, inclusive; a category whose rules all miss the year has no known subsidy. */
  readonly years?: { readonly from?: number; readonly to?: number };
  readonly subsidy:
    | { readonly kind: 'full' }
    | { readonly kind: 'fixed'; readonly amount: string }
    | { readonly kind: 'share'; readonly share: string }
    | { readonly kind: 'notSet' }
    /** The period the subsidy belonged to has ended: no subsidy, whatever the region configures. */
    | { readonly kind: 'none' };
  readonly citation: string;
}

/**
 * Tilted assistance (倾斜救助, national-2021 (六); gansu-2023 二(二) states it as 二次倾斜救助): `share` of the
 * yearly in-policy remainder above `above`, outside the cap. `kind: 'notSet'` where the source leaves both numbers
 * to the region (`config.tilt`): until configured no tilt is paid, and the explanation says so.
 */
export type TiltRule = { readonly kind: 'tilt'; readonly above: string; readonly share: string; readonly citation: string } | NotSet;

/**
 * Jiaxing's 动态清零 (二(二)12): for the listed categories (classes 1–3) who followed the referral rules, what
 * remains after every layer — basic, critical, assistance, commercial insurance and charity — is capped per person
 * and per household and year; the excess is what the city's fund (the Red Cross fund) must cover.
 */
export interface ResidualRule {
  readonly categories: readonly AssistanceCategory[];
  readonly personCap: string;
  readonly householdCap: string;
  readonly citation: string;
}

/**
 * The closed list of categories a rule set assists at all (shanxi-2022 统一规范为六类): any other category is
 * no candidate, it neither pays nor blocks a settlement (domain.md §5.1).
 */
export interface ClosedListRule {
  readonly categories: readonly AssistanceCategory[];
  readonly citation: string;
}

/**
 * A category treated like another "throughout" (gansu-2023: 孤儿 like 特困): where the rule set itself states a
 * number for the category it applies; where it states none, the category takes what the ancestors state for
 * `as`, and a region's configuration for `as` when none is configured for the category (domain.md §3).
 */
export interface TreatedAsRule {
  readonly as: AssistanceCategory;
  readonly citation: string;
}

/**
 * Categories assisted directly, without an application (national-2021 (八) 直接纳入); every other category is
 * assisted only within an approved application covering the service date (依申请, domain.md §3).
 */
export interface DirectRule {
  readonly categories: readonly AssistanceCategory[];
  readonly citation: string;
}

/**
 * When a newly certified category starts to count for settlement: `nextMonth` from the first day of the month
 * after its valid-from date (jiaxing-2023 二(二)6), unless a retroactive window applies.
 */
export interface TimingRule {
  readonly startsNextMonth: true;
  readonly citation: string;
}

/**
 * Which income an income-share threshold multiplies: the pooling region's own (national-2021 统筹地区) or the
 * province's (shanxi-2022 全省上年居民人均可支配收入). A provincial income is read from the province's
 * configuration only; a city or county configuration may not state one (domain.md §5.1).
 */
export interface IncomeRule {
  readonly scope: 'POOLING_REGION' | 'PROVINCE';
  readonly citation: string;
}

/** Children with listed illnesses get at least `ratio`; with no category, `threshold` and `cap` apply (jiaxing-2023 二(二)7). */
export interface ChildRule {
  readonly maxAge: number;
  /** Inclusive ICD-10 category ranges, e.g. ['Q20', 'Q26']. */
  readonly diagnoses: readonly (readonly [string, string])[];
  readonly ratio: string;
  readonly withoutCategory: { readonly threshold: string; readonly cap: string };
  readonly citation: string;
}

/** Raise assistance until basic + critical + assistance reach `target` of the in-policy cost (shanxi-2022). */
export interface TopUpRule {
  readonly categories: readonly AssistanceCategory[];
  readonly visitTypes: readonly VisitType[];
  readonly inProvinceOnly: boolean;
  readonly target: string;
  readonly citation: string;
}

/** Certifications flagged retroactive count as active `months` before their valid-from date. */
export interface RetroactiveRule {
  readonly months: number;
  readonly categories: readonly AssistanceCategory[];
  readonly citation: string;
}

/** Out-of-catalog cost above a share of the total is borne by the provider, not the patient (shanxi-2022). */
export interface OutOfCatalogRule {
  readonly categories: readonly AssistanceCategory[];
  readonly visitTypes: readonly VisitType[];
  readonly limits: Readonly<Record<ProviderFeeClass, string>>;
  readonly citation: string;
}

/** Only the listed categories are assisted for a visit type. */
export interface CoverageRule {
  readonly categories: readonly AssistanceCategory[];
  readonly citation: string;
}

/** A high-cost monitoring rule of domain.md §5.3. */
export type MonitoringRule =
  | {
      /** Judged on one visit. */
      readonly kind: 'visit';
      readonly id: string;
      readonly visitTypes: readonly VisitType[];
      readonly residence: Residence;
      readonly holders: 'ANY_CATEGORY' | 'NO_CATEGORY';
      /** STAY_OUT_OF_POCKET: what the person still pays; STAY_AFTER_INSURANCE: total − basic − critical. */
      readonly measure: 'STAY_OUT_OF_POCKET' | 'STAY_AFTER_INSURANCE';
      readonly threshold: string;
      readonly targets: readonly AlertTarget[];
      readonly citation: string;
    }
  | {
      /** Judged on the year's out-of-pocket total; raised once, when the visit crosses the threshold. */
      readonly kind: 'year';
      readonly id: string;
      readonly holders: 'EVERYONE' | readonly AssistanceCategory[];
      readonly measure: 'YEAR_OUT_OF_POCKET';
      /** notSet: the region's `monitoringThreshold`; until configured the rule raises nothing. */
      readonly threshold: string | NotSet;
      readonly targets: readonly AlertTarget[];
      readonly citation: string;
    };

/** One rule set, as published. Optional parts are inherited from `inherits` when absent. */
export interface RuleSetDefinition {
  readonly id: RuleSetId;
  readonly version: number;
  readonly title: string;
  readonly document: string;
  readonly effectiveFrom: IsoDate;
  readonly effectiveTo?: IsoDate;
  readonly effectiveCitation: string;
  readonly inherits?: RuleSetId;
  readonly assistance: readonly AssistanceRule[];
  readonly coverage?: Partial<Record<VisitType, CoverageRule>>;
  /** The only categories the rule set assists; absent: every category with a rule. */
  readonly assisted?: ClosedListRule;
  /** Categories treated like another where the rule set's ancestors state numbers (not inherited). */
  readonly treatedAs?: Partial<Record<AssistanceCategory, TreatedAsRule>>;
  /** Categories assisted without an application. */
  readonly direct?: DirectRule;
  /** When a new certification starts to count. */
  readonly timing?: TimingRule;
  /** The cap on what remains after every layer (动态清零); not inherited. */
  readonly residual?: ResidualRule;
  /** Which income the income-share thresholds use. */
  readonly income?: IncomeRule;
  /** Why the base deducts every other payer (basic, critical and other supplementary insurance). */
  readonly base?: { readonly citation: string };
  /** Citation for "the best candidate wins" (就高从优). */
  readonly highestApplies?: string;
  /** Citation for "unreferred care gets nothing". */
  readonly unreferred?: string;
  /** Citation for "assistance follows the certified category": no category, no assistance. */
  readonly byCategory?: string;
  readonly tilt?: TiltRule;
  readonly child?: ChildRule;
  readonly topUps?: readonly TopUpRule[];
  readonly retroactive?: RetroactiveRule;
  readonly outOfCatalog?: OutOfCatalogRule;
  /** The complete subsidy table: a category it does not list gets no subsidy. Not inherited. */
  readonly subsidies: readonly SubsidyRule[];
  /** The rule set's own monitoring rules; regional rules replace the national one. Not inherited. */
  readonly monitoring: readonly MonitoringRule[];
}

const amount = (value: string, citation: string): { kind: 'amount'; amount: string; citation: string } => ({
  kind: 'amount',
  amount: value,
  citation,
});
const incomeShare = (share: string, citation: string): ThresholdSpec => ({ kind: 'incomeShare', share, citation });
const ratio = (value: string, citation: string): RatioSpec => ({ kind: 'ratio', ratio: value, atLeast: false, citation });
const atLeast = (value: string, citation: string): RatioSpec => ({ kind: 'ratio', ratio: value, atLeast: true, citation });
const notSet = (citation: string): NotSet => ({ kind: 'notSet', citation });
const except = (...excluded: AssistanceCategory[]): AssistanceCategory[] =>
  ASSISTANCE_CATEGORIES.filter((category) => !excluded.includes(category));

const N = '国办发〔2021〕42号';
const NHSA = '医保函〔2022〕132号 二';
const G = '甘医保发〔2023〕57号';
const J = '嘉政办发〔2022〕58号';
// The seeds hold the press briefing, not the text of the 实施意见, and name no document number.
const S = '山西省《关于健全重特大疾病医疗保险和救助制度的实施意见》(2022-11-08 新闻发布会解读)';

const national: RuleSetDefinition = {
  id: 'national-2021',
  version: 2,
  title: '国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见',
  document: N,
  effectiveFrom: '2021-10-28',
  effectiveCitation: `${N} 落款日期 2021年10月28日`,
  assistance: [
    {
      categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING'],
      threshold: amount('0.00', `${N} (五) 对低保对象、特困人员原则上取消起付标准`),
      ratio: atLeast('0.70', `${N} (五) 按不低于70%的比例救助`),
    },
    {
      categories: ['LOW_INCOME_MARGINAL'],
      threshold: incomeShare('0.10', `${N} (五) 低保边缘家庭成员按上年居民人均可支配收入的10%左右`),
    },
    {
      categories: ['ILLNESS_POVERTY'],
      threshold: incomeShare('0.25', `${N} (五) 因病致贫重病患者按25%左右`),
    },
    {
      categories: except('EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL', 'ILLNESS_POVERTY'),
      threshold: notSet(`${N} (五) 分类设定年度救助起付标准，本类别未给出标准`),
    },
    {
      categories: except('EXTREME_POVERTY', 'MINIMUM_LIVING'),
      ratio: notSet(`${N} (五) 其他救助对象救助比例原则上略低于低保对象`),
    },
    {
      categories: [...ASSISTANCE_CATEGORIES],
      cap: notSet(`${N} (五)(六) 各统筹地区合理设定医疗救助年度救助限额，门诊和住院共用`),
    },
  ],
  base: { citation: `${N} (七) 经基本医保、大病保险等支付后个人医疗费用负担 (domain.md §5.2 step 2: every other payer deducted)` },
  direct: {
    categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING'],
    citation: `${N} (八) 低保对象、特困人员直接纳入救助范围，其他救助对象依申请`,
  },
  income: { scope: 'POOLING_REGION', citation: `${N} (五) 统筹地区上年居民人均可支配收入` },
  tilt: notSet(
    `${N} (六) 对规范转诊且在省域内就医的救助对象，经三重制度综合保障后个人负担仍然较重的，给予倾斜救助，具体标准由统筹地区确定`,
  ),
  highestApplies: `domain.md §5.2 step 3 (就高从优, as ${J} 二(二)7)`,
  unreferred: `${N} (十三) 未按规定转诊的救助对象，所发生的医疗费用原则上不纳入医疗救助范围`,
  byCategory: `${N} (一) 根据救助对象类别实施分类救助`,
  subsidies: [
    { categories: ['EXTREME_POVERTY'], subsidy: { kind: 'full' }, citation: `${N} (二) 全额资助特困人员` },
    {
      categories: ['MINIMUM_LIVING', 'RETURNED_TO_POVERTY'],
      subsidy: { kind: 'notSet' },
      citation: `${N} (二) 定额资助低保对象、返贫致贫人口，标准由省级人民政府确定`,
    },
    {
      categories: ['AT_RISK_MONITORED'],
      years: { to: 2025 },
      subsidy: { kind: 'notSet' },
      citation: `${NHSA} 过渡期内对易返贫致贫人口(监测对象)给予定额资助，标准由省级确定 (benefit years up to 2025)`,
    },
    {
      categories: ['AT_RISK_MONITORED'],
      years: { from: 2026 },
      subsidy: { kind: 'none' },
      citation: `${NHSA} 过渡期(至2025年)结束后不再给予过渡期定额资助`,
    },
  ],
  monitoring: [
    {
      kind: 'year',
      id: 'national-2021/annual-burden',
      holders: ['LOW_INCOME_MARGINAL', 'AT_RISK_MONITORED'],
      measure: 'YEAR_OUT_OF_POCKET',
      threshold: notSet(`${N} (七) 结合实际合理确定监测标准`),
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      citation: `${N} (七) 重点监测低保边缘家庭成员和农村易返贫致贫人口`,
    },
  ],
};

const gansu: RuleSetDefinition = {
  id: 'gansu-2023',
  version: 2,
  title: '关于进一步健全完善防范化解因病返贫致贫长效机制的通知',
  document: `${G} (张医保发〔2023〕20号转发)`,
  effectiveFrom: '2023-07-01',
  effectiveCitation: `${G} 二(二) 自2023年7月1日起`,
  inherits: 'national-2021',
  assistance: [
    { categories: ['EXTREME_POVERTY', 'ORPHAN'], ratio: ratio('1.00', `${G} 二(二) 特困人员、孤儿按照100%比例实行救助`) },
    {
      categories: ['MINIMUM_LIVING'],
      classes: [1, 2],
      ratio: ratio('0.90', `${G} 二(二) 农村一、二类低保(含城市低保全额保障对象)按照90%`),
    },
    { categories: ['RETURNED_TO_POVERTY'], ratio: ratio('0.90', `${G} 二(二) 农村返贫致贫人口按照90%`) },
    {
      categories: ['MINIMUM_LIVING'],
      classes: [3, 4],
      ratio: ratio('0.75', `${G} 二(二) 农村三、四类低保(含城市低保差额保障对象)按照75%`),
    },
    { categories: ['AT_RISK_MONITORED'], ratio: ratio('0.75', `${G} 二(二) 农村易返贫致贫人口按照75%`) },
    {
      categories: ['LOW_INCOME_MARGINAL', 'ILLNESS_POVERTY'],
      ratio: ratio('0.70', `${G} 二(二) 城乡低保边缘家庭成员和因病致贫重病患者按照70%`),
    },
    { categories: ['LIFTED_OUT_OF_POVERTY'], ratio: ratio('0.60', `${G} 二(二) 脱贫人口继续按照60%`) },
  ],
  direct: {
    categories: ['EXTREME_POVERTY', 'ORPHAN', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL'],
    citation: `${G} 三(三) 特困人员(含孤儿)、低保对象、低保边缘家庭成员直接纳入救助范围，无需申请`,
  },
  treatedAs: {
    ORPHAN: {
      as: 'EXTREME_POVERTY',
      citation: `${G} 特困人员、孤儿同等对待；未另行规定处按 ${N} 对特困人员的规定 (domain.md §3)`,
    },
  },
  tilt: {
    kind: 'tilt',
    above: '6000.00',
    share: '0.60',
    citation: `${G} 二(二) 政策范围内个人自付一个自然年度内累计超过6000元以上部分按照60%二次倾斜救助，不计入年度救助限额`,
  },
  subsidies: [
    { categories: ['EXTREME_POVERTY', 'ORPHAN'], subsidy: { kind: 'full' }, citation: `${G} 一(二) 特困人员、孤儿继续实行全额资助` },
    {
      categories: ['MINIMUM_LIVING'],
      classes: [1, 2],
      years: { from: 2024 },
      subsidy: { kind: 'fixed', amount: '310.00' },
      citation: `${G} 一(二) 农村一、二类低保按照310元定额资助(待遇享受期2024年起)`,
    },
    {
      categories: ['RETURNED_TO_POVERTY'],
      years: { from: 2024 },
      subsidy: { kind: 'fixed', amount: '310.00' },
      citation: `${G} 一(二) 农村返贫致贫人口按照310元定额资助(待遇享受期2024年起)`,
    },
    {
      categories: ['MINIMUM_LIVING'],
      classes: [3, 4],
      years: { from: 2024 },
      subsidy: { kind: 'fixed', amount: '250.00' },
      citation: `${G} 一(二) 农村三、四类低保按照250元定额资助(待遇享受期2024年起)`,
    },
    {
      categories: ['AT_RISK_MONITORED'],
      years: { from: 2024 },
      subsidy: { kind: 'fixed', amount: '250.00' },
      citation: `${G} 一(二) 农村易返贫致贫人口按照250元定额资助(待遇享受期2024年起)`,
    },
    {
      categories: ['LOW_INCOME_MARGINAL'],
      years: { from: 2024 },
      subsidy: { kind: 'fixed', amount: '100.00' },
      citation: `${G} 一(二) 城乡低保边缘家庭成员临时性纳入定额资助，资助标准为100元`,
    },
    {
      categories: ['LIFTED_OUT_OF_POVERTY'],
      subsidy: { kind: 'fixed', amount: '100.00' },
      citation: `${G} 一(二) 脱贫人口继续按照100元标准定额资助`,
    },
  ],
  monitoring: [
    {
      kind: 'visit',
      id: 'gansu-2023/rural-low-income-stay',
      visitTypes: ['INPATIENT'],
      residence: 'RURAL',
      holders: 'ANY_CATEGORY',
      measure: 'STAY_OUT_OF_POCKET',
      threshold: '7200.00',
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      citation: `${G} 三(一) 农村低收入人口和脱贫人口三重制度报销后单次住院个人自付超过7200元`,
    },
    {
      kind: 'visit',
      id: 'gansu-2023/rural-other-stay',
      visitTypes: ['INPATIENT'],
      residence: 'RURAL',
      holders: 'NO_CATEGORY',
      measure: 'STAY_AFTER_INSURANCE',
      threshold: '12000.00',
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      citation: `${G} 三(一) 其他农村居民医保政策报销后单次住院个人自付超过12000元`,
    },
  ],
};

const jiaxing: RuleSetDefinition = {
  id: 'jiaxing-2023',
  version: 2,
  title: '嘉兴市完善医疗救助制度构建因病致贫返贫防范长效机制实施办法',
  document: J,
  effectiveFrom: '2023-01-01',
  effectiveCitation: `${J} 本办法自2023年1月1日起实施`,
  inherits: 'national-2021',
  assistance: [
    { categories: ['EXTREME_POVERTY'], ratio: ratio('1.00', `${J} 二(二)7 一类对象全额救助`) },
    { categories: ['MINIMUM_LIVING'], ratio: ratio('0.90', `${J} 二(二)7 二类对象按90%救助`) },
    { categories: ['LOW_INCOME_MARGINAL'], ratio: ratio('0.80', `${J} 二(二)7 三类对象按80%救助`) },
    {
      categories: ['ILLNESS_POVERTY', 'DISTRESSED_CHILD'],
      ratio: ratio('0.70', `${J} 二(二)7 四类对象以及未纳入低保和低边的困境儿童按70%救助`),
    },
    { categories: ['OTHER_SPECIAL'], ratio: atLeast('0.50', `${J} 二(二)7 五类对象按不低于50%救助`) },
    { categories: [...ASSISTANCE_CATEGORIES], cap: amount('120000.00', `${J} 二(二)7 医疗救助年度最高救助额为12万元`) },
  ],
  base: { citation: `${J} 二(二)7 扣除基本医保、大病保险和其他补充医疗保险补偿后的个人负担部分` },
  residual: {
    categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL'],
    personCap: '30000.00',
    householdCap: '50000.00',
    citation: `${J} 二(二)12 对执行就医指导方案且经规范转诊的一类、二类、三类对象，经多重保障后将个人自付医疗费用化解在3万元以下、家庭自付医疗费用化解在5万元以下(高额医疗费用动态清零)`,
  },
  timing: {
    startsNextMonth: true,
    citation: `${J} 二(二)6 新纳入的救助对象当月资助参保，次月起享受基本医保和医疗救助待遇`,
  },
  highestApplies: `${J} 二(二)7 "同一对象"符合多项救助政策的，按照"就高、从优"原则，不重复享受`,
  child: {
    maxAge: 14,
    diagnoses: [
      ['Q20', 'Q26'],
      ['C91', 'C95'],
    ],
    ratio: '0.80',
    withoutCategory: { threshold: '0.00', cap: '120000.00' },
    citation: `${J} 二(二)7 0-14周岁(含14周岁)患先天性心脏病、白血病病种的参保儿童按80%救助`,
  },
  retroactive: {
    months: 6,
    categories: ['MINIMUM_LIVING', 'LOW_INCOME_MARGINAL'],
    citation: `${J} 二(二)7 新认定的因病纳入低保、低边的支出型困难人员，认定前6个月政策范围内医疗费用纳入医疗救助范围`,
  },
  subsidies: [
    {
      categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL', 'DISTRESSED_CHILD'],
      subsidy: { kind: 'full' },
      citation: `${J} 二(二)6 一类、二类和三类对象以及未纳入低保和低边的困境儿童全额资助参保`,
    },
  ],
  monitoring: [
    {
      kind: 'year',
      id: 'jiaxing-2023/annual-out-of-pocket',
      holders: 'EVERYONE',
      measure: 'YEAR_OUT_OF_POCKET',
      threshold: '5000.00',
      targets: ['CIVIL_AFFAIRS'],
      citation: `${J} 二(一)2 重点监测年度医疗费用自付超过5000元潜在对象，及时推送给民政部门`,
    },
  ],
};

const SX_INPATIENT = `${S} 合理确定住院救助水平`;
const SX_OUTPATIENT = `${S} 完善门诊医疗救助政策`;

const shanxi: RuleSetDefinition = {
  id: 'shanxi-2022',
  version: 2,
  title: '山西省关于健全重特大疾病医疗保险和救助制度的实施意见',
  document: S,
  // The source states no effective date; the briefing is the earliest date it attests the 实施意见 as issued.
  effectiveFrom: '2022-11-08',
  effectiveCitation: `${S} 省政府新闻办发布会 2022年11月8日`,
  inherits: 'national-2021',
  assisted: {
    categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL', 'ILLNESS_POVERTY', 'RETURNED_TO_POVERTY', 'AT_RISK_MONITORED'],
    citation: `${S} 明确医疗救助对象范围：统一规范为低保对象、特困人员、低保边缘家庭成员、因病致贫重病患者、返贫致贫人口、监测对象`,
  },
  direct: {
    categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'RETURNED_TO_POVERTY', 'AT_RISK_MONITORED'],
    citation: `${S} 低保对象、特困人员、返贫致贫人口和监测对象直接纳入医疗救助范围，其他对象依申请`,
  },
  income: { scope: 'PROVINCE', citation: `${S} 起付标准按全省上年居民人均可支配收入计算` },
  assistance: [
    {
      categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING'],
      threshold: amount('0.00', `${SX_INPATIENT}：对低保对象和特困人员不设起付标准`),
    },
    {
      categories: ['RETURNED_TO_POVERTY'],
      threshold: amount('0.00', `${SX_INPATIENT}：返贫致贫人口未设起付标准 (domain.md §5.1 shanxi-2022)`),
    },
    {
      categories: ['AT_RISK_MONITORED', 'LOW_INCOME_MARGINAL'],
      threshold: incomeShare('0.10', `${SX_INPATIENT}：起付标准为全省上年居民人均可支配收入的10%`),
    },
    {
      categories: ['ILLNESS_POVERTY'],
      threshold: incomeShare('0.25', `${SX_INPATIENT}：因病致贫重病患者起付标准为全省上年居民人均可支配收入的25%`),
    },
    {
      categories: ['EXTREME_POVERTY'],
      visitTypes: ['INPATIENT'],
      ratio: ratio('1.00', `${SX_INPATIENT}：特困人员由医疗救助给予保障 (read as 100 %, domain.md §5.1)`),
    },
    {
      categories: ['MINIMUM_LIVING', 'RETURNED_TO_POVERTY', 'AT_RISK_MONITORED'],
      visitTypes: ['INPATIENT'],
      ratio: ratio('0.70', `${SX_INPATIENT}：低保对象、返贫致贫人口、乡村振兴部门监测对象按70%`),
    },
    {
      categories: ['LOW_INCOME_MARGINAL', 'ILLNESS_POVERTY'],
      visitTypes: ['INPATIENT'],
      ratio: ratio('0.60', `${SX_INPATIENT}：低保边缘家庭成员、因病致贫重病患者按60%`),
    },
    {
      categories: ['EXTREME_POVERTY'],
      visitTypes: ['OUTPATIENT_CHRONIC'],
      ratio: ratio('0.60', `${SX_OUTPATIENT}：门诊慢特病特困人员按60%`),
    },
    {
      categories: ['MINIMUM_LIVING', 'RETURNED_TO_POVERTY'],
      visitTypes: ['OUTPATIENT_CHRONIC'],
      ratio: ratio('0.30', `${SX_OUTPATIENT}：门诊慢特病低保对象和返贫致贫人口按30%`),
    },
    {
      categories: ['EXTREME_POVERTY'],
      visitTypes: ['OUTPATIENT_SPECIAL_DRUG'],
      ratio: ratio('0.20', `${SX_OUTPATIENT}：门诊特药特困人员按20%`),
    },
    {
      categories: ['MINIMUM_LIVING', 'RETURNED_TO_POVERTY'],
      visitTypes: ['OUTPATIENT_SPECIAL_DRUG'],
      ratio: ratio('0.10', `${SX_OUTPATIENT}：门诊特药低保对象和返贫致贫人口按10%`),
    },
    {
      categories: ['MINIMUM_LIVING', 'AT_RISK_MONITORED'],
      cap: amount('60000.00', `${SX_INPATIENT}：年度最高救助限额6万元，门诊和住院共用`),
    },
    {
      categories: ['LOW_INCOME_MARGINAL', 'ILLNESS_POVERTY'],
      cap: amount('40000.00', `${SX_INPATIENT}：年度最高救助限额4万元，门诊和住院共用`),
    },
    {
      categories: ['EXTREME_POVERTY', 'RETURNED_TO_POVERTY'],
      cap: notSet(`${SX_INPATIENT}：未给出特困人员、返贫致贫人口的年度救助限额`),
    },
  ],
  coverage: {
    OUTPATIENT_CHRONIC: {
      categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'RETURNED_TO_POVERTY'],
      citation: `${SX_OUTPATIENT}：门诊慢特病救助限于特困人员、低保对象和返贫致贫人口`,
    },
    OUTPATIENT_SPECIAL_DRUG: {
      categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'RETURNED_TO_POVERTY'],
      citation: `${SX_OUTPATIENT}：门诊特药救助限于特困人员、低保对象和返贫致贫人口`,
    },
  },
  topUps: [
    {
      categories: ['RETURNED_TO_POVERTY'],
      visitTypes: ['INPATIENT'],
      inProvinceOnly: true,
      target: '0.90',
      citation: `${SX_INPATIENT}：返贫致贫人口省内住院单次目录内费用综合支付比例达不到90%的，救助到90%`,
    },
  ],
  outOfCatalog: {
    categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'RETURNED_TO_POVERTY'],
    visitTypes: ['INPATIENT'],
    limits: { PROVINCIAL_CLASS_1: '0.30', PROVINCIAL_CITY_CLASS_2: '0.20', COUNTY_CLASS_2_3: '0.15' },
    citation: `${S} 统筹完善托底保障措施：住院目录外费用分别不得超过总费用的30%、20%、15%，超过部分由医疗机构承担`,
  },
  subsidies: [
    { categories: ['EXTREME_POVERTY'], subsidy: { kind: 'full' }, citation: `${S} 确保困难群众应保尽保：特困人员给予全额资助` },
    {
      categories: ['MINIMUM_LIVING'],
      subsidy: { kind: 'share', share: '0.80' },
      citation: `${S} 确保困难群众应保尽保：低保对象按个人缴费标准80%的比例给予定额资助`,
    },
    {
      categories: ['AT_RISK_MONITORED'],
      years: { from: 2022, to: 2025 },
      subsidy: { kind: 'fixed', amount: '280.00' },
      citation: `${S} 确保困难群众应保尽保：2022-2025年易返贫致贫人口按每人每年280元定额资助`,
    },
    {
      categories: ['AT_RISK_MONITORED'],
      years: { from: 2026 },
      subsidy: { kind: 'none' },
      citation: `${S} 280元定额资助限于2022-2025年(过渡期，${NHSA})`,
    },
    {
      categories: ['RETURNED_TO_POVERTY'],
      subsidy: { kind: 'share', share: '0.90' },
      citation: `${S} 确保困难群众应保尽保：返贫致贫人口按个人缴费标准90%的比例给予定额资助`,
    },
  ],
  monitoring: [
    {
      kind: 'year',
      id: 'shanxi-2022/annual-burden',
      holders: ['LOW_INCOME_MARGINAL', 'AT_RISK_MONITORED'],
      measure: 'YEAR_OUT_OF_POCKET',
      threshold: notSet(`${S} 实施医疗救助对象信息动态管理：结合实际合理确定监测标准`),
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      citation: `${S} 实施医疗救助对象信息动态管理：监测人群个人年度累计负担医疗费用超过一定标准的，推送同级民政、乡村振兴部门`,
    },
  ],
};

/** Every rule set by id. */
export const RULE_SETS: Readonly<Record<RuleSetId, RuleSetDefinition>> = {
  'national-2021': national,
  'gansu-2023': gansu,
  'jiaxing-2023': jiaxing,
  'shanxi-2022': shanxi,
};

/** True when `value` names a known rule set. */
export function isRuleSetId(value: unknown): value is RuleSetId {
  return typeof value === 'string' && (RULE_SET_IDS as readonly string[]).includes(value);
}

/**
 * Regions governed by a regional rule set from its effective date, most
 * specific prefix first. Gansu maps by the province prefix 62, not only
 * Zhangye 6207: 甘医保发 is a provincial notice ("全省统一的分类资助政策"),
 * Zhangye merely forwarded it (张医保发〔2023〕20号).
 */
export const REGION_RULE_SETS: readonly { readonly prefix: string; readonly ruleSet: RuleSetId }[] = [
  { prefix: '3304', ruleSet: 'jiaxing-2023' },
  { prefix: '62', ruleSet: 'gansu-2023' },
  { prefix: '14', ruleSet: 'shanxi-2022' },
];

/**
 * The rule set that governs a visit in `regionCode` (6-digit GB/T 2260) on
 * `serviceDate`: the regional one once in force, national-2021 otherwise.
 * Before national-2021 itself no rule set of the hub governs.
 */
export function governingRuleSet(regionCode: string, serviceDate: IsoDate): RuleSetId {
  if (!/^\d{6}$/.test(regionCode)) throw new PolicyInputError('regionCode', `not a 6-digit region code: ${JSON.stringify(regionCode)}`);
  if (!isIsoDate(serviceDate)) throw new PolicyInputError('serviceDate', `not a date YYYY-MM-DD: ${JSON.stringify(serviceDate)}`);
  if (serviceDate < national.effectiveFrom) {
    throw new PolicyInputError('serviceDate', `${serviceDate} is before national-2021 takes effect on ${national.effectiveFrom}`);
  }
  const regional = REGION_RULE_SETS.find(({ prefix }) => regionCode.startsWith(prefix));
  return regional && serviceDate >= RULE_SETS[regional.ruleSet].effectiveFrom ? regional.ruleSet : 'national-2021';
}
