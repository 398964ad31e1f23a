import type { Decimal } from 'decimal.js';
import type { RegionConfig as RegionConfigRow } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { formatDate, parseDate } from '../../shared/dates.js';
import { BadUserInputError, ForbiddenError } from '../../shared/errors.js';
import { Money, ZERO } from '../../shared/money.js';
import { requireYear } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import { ParameterNotSetError, PolicyInputError } from '../policy/policy.errors.js';
import { parseRegionConfig } from '../policy/policy-case.js';
import {
  ASSISTANCE_CATEGORIES,
  VISIT_TYPES,
  type AssistanceCategory,
  type IsoDate,
  type OutpatientVisitType,
  type RegionConfig as Config,
  type RuleSetId,
  type VisitType,
} from '../policy/policy.types.js';
import { configForRuleSet, configInForce, incomeScope, regionConfigJson, type RegionConfigVersion } from '../policy/region-config.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { assistanceTerms, resolveRuleSet } from '../policy/rule-set.resolve.js';
import { regionConfigArgument, withPolicyErrors } from '../settlement/settlement.errors.js';
import type {
  CategoryAmountInput,
  CategoryRatioInput,
  OutpatientRatioInput,
  RegionConfigArgs,
  RegionConfigInput,
} from './region-config.input.js';
import type { RegionConfigRepository } from './region-config.repository.js';
import type { CategoryAmount, RegionConfig } from './region-config.type.js';

const RATIO = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const OUTPATIENT_TYPES = VISIT_TYPES.filter((type): type is OutpatientVisitType => type !== 'INPATIENT');

/** A ratio as the API takes it, refused by name when it is not one. */
function parseRatio(text: string, argument: string): Money {
  if (!RATIO.test(text)) throw new BadUserInputError('ratio must be a decimal between "0" and "1" with at most four decimals', argument);
  return new Money(text);
}

function outpatientRatios(list: readonly OutpatientRatioInput[]): Config['outpatientRatios'] {
  const result: Partial<Record<OutpatientVisitType, Partial<Record<AssistanceCategory, Decimal>>>> = {};
  list.forEach((item, index) => {
    const field = `input.outpatientRatios[${index}]`;
    if (item.visitType === 'INPATIENT') throw new BadUserInputError('inpatient ratios are set in ratios', `${field}.visitType`);
    const byType = (result[item.visitType] ??= {});
    if (byType[item.category] !== undefined)
      throw new BadUserInputError(`${item.visitType} ${item.category} is listed twice`, `${field}.category`);
    byType[item.category] = parseRatio(item.ratio, `${field}.ratio`);
  });
  return result;
}

/** A stored version as the engine reads it. */
export function versionOf(row: RegionConfigRow): RegionConfigVersion & { row: RegionConfigRow } {
  return {
    id: row.id,
    regionCode: row.regionCode,
    year: row.year,
    effectiveFrom: formatDate(row.effectiveFrom),
    createdAt: row.createdAt,
    config: parseRegionConfig(row.parameters),
    row,
  };
}

function amounts(values: Partial<Record<AssistanceCategory, Decimal>> | undefined): CategoryAmount[] {
  return ASSISTANCE_CATEGORIES.flatMap((category) => (values?.[category] ? [{ category, amount: values[category] }] : []));
}

/** A stored version as the API shows it. */
function present(row: RegionConfigRow): RegionConfig {
  const config = parseRegionConfig(row.parameters);
  return {
    id: row.id,
    regionCode: row.regionCode,
    year: row.year,
    effectiveFrom: row.effectiveFrom,
    income: config.income ?? null,
    thresholds: amounts(config.thresholds),
    caps: amounts(config.caps),
    ratios: ASSISTANCE_CATEGORIES.flatMap((category) => {
      const ratio = config.ratios?.[category];
      return ratio ? [{ category, ratio: ratio.toString() }] : [];
    }),
    outpatientRatios: OUTPATIENT_TYPES.flatMap((visitType) =>
      ASSISTANCE_CATEGORIES.flatMap((category) => {
        const ratio = config.outpatientRatios?.[visitType]?.[category];
        return ratio ? [{ visitType, category, ratio: ratio.toString() }] : [];
      }),
    ),
    tilt: config.tilt ? { threshold: config.tilt.threshold, ratio: config.tilt.ratio.toString() } : null,
    subsidies: amounts(config.subsidies),
    monitoringThreshold: config.monitoringThreshold ?? null,
    demo: row.demo,
    note: row.note,
    setAt: row.createdAt,
    setByClientId: row.setByClientId,
  };
}

function byCategory<T extends { category: AssistanceCategory }, V>(
  list: readonly T[] | null | undefined,
  field: string,
  value: (item: T, index: number) => V,
): Partial<Record<AssistanceCategory, V>> | undefined {
  if (!list || list.length === 0) return undefined;
  const result: Partial<Record<AssistanceCategory, V>> = {};
  list.forEach((item, index) => {
    if (result[item.category] !== undefined) throw new BadUserInputError(`${item.category} is listed twice`, `${field}[${index}].category`);
    result[item.category] = value(item, index);
  });
  return result;
}

/**
 * The version governing a 6-digit region on a date, as the engine reads it
 * (see {@link RegionConfigService.inForce}); for the hub's own jobs, which
 * act for no client.
 */
export async function regionConfigInForce(
  repository: RegionConfigRepository,
  regionCode: string,
  date: IsoDate,
): Promise<(RegionConfigVersion & { row: RegionConfigRow }) | null> {
  const versions = (await repository.versionsCovering(regionCode, Number(date.slice(0, 4)))).map(versionOf);
  const ruleSet = governingOrNull(regionCode, date);
  return ruleSet ? configForRuleSet(versions, regionCode, date, ruleSet) : configInForce(versions, regionCode, date);
}

/**
 * Region configuration: the parameters a rule set leaves to the pooling
 * region, stored as versions per region and year with an effective date, set
 * by medical-insurance clients within their jurisdiction and audited.
 */
export class RegionConfigService {
  constructor(
    private readonly repository: RegionConfigRepository,
    private readonly principal: Principal,
    private readonly audit: AuditWriter,
  ) {}

  /**
   * The version governing a 6-digit region on a date, as the engine reads it under the governing rule set (the
   * province's income where the rule set uses it); null when the region has configured nothing for that year.
   */
  inForce(regionCode: string, date: IsoDate): Promise<(RegionConfigVersion & { row: RegionConfigRow }) | null> {
    return regionConfigInForce(this.repository, regionCode, date);
  }

  /** The version in force for a region (or prefix) on `on`, default the end of `year`, as the API shows it. */
  async read(args: RegionConfigArgs): Promise<RegionConfig | null> {
    const year = requireYear(args.year);
    if (!/^\d{2,6}$/.test(args.regionCode)) throw new BadUserInputError('regionCode must be 2 to 6 digits of a region code', 'regionCode');
    const on = args.on ? formatDate(args.on) : `${year}-12-31`;
    if (Number(on.slice(0, 4)) !== year) throw new BadUserInputError(`on must be within ${year}`, 'on');
    const found = await this.inForce(args.regionCode, on);
    return found ? present(found.row) : null;
  }

  /** Stores a new version, validated whole, with its audit entry in the same transaction. */
  async set(input: RegionConfigInput): Promise<RegionConfig> {
    if (!/^(\d{2}|\d{4}|\d{6})$/.test(input.regionCode)) {
      throw new BadUserInputError('regionCode must be a region-code prefix of 2, 4 or 6 digits', 'input.regionCode');
    }
    if (!input.regionCode.startsWith(this.principal.jurisdiction)) {
      throw new ForbiddenError(
        `region ${input.regionCode} is outside this client's jurisdiction ${this.principal.jurisdiction || '(none)'}`,
      );
    }
    const year = requireYear(input.year, 'input.year');
    const effectiveFrom = input.effectiveFrom ? formatDate(input.effectiveFrom) : `${year}-01-01`;
    if (Number(effectiveFrom.slice(0, 4)) !== year)
      throw new BadUserInputError(`effectiveFrom must be within ${year}`, 'input.effectiveFrom');
    if (input.note && input.note.length > 500) throw new BadUserInputError('note is longer than 500 characters', 'input.note');
    const amount = (item: CategoryAmountInput) => item.amount;
    const config: Config = {
      ...(input.income && { income: input.income }),
      ...(input.monitoringThreshold && { monitoringThreshold: input.monitoringThreshold }),
      ...(input.thresholds?.length && { thresholds: byCategory(input.thresholds, 'input.thresholds', amount) }),
      ...(input.caps?.length && { caps: byCategory(input.caps, 'input.caps', amount) }),
      ...(input.subsidies?.length && { subsidies: byCategory(input.subsidies, 'input.subsidies', amount) }),
      ...(input.ratios?.length && {
        ratios: byCategory(input.ratios, 'input.ratios', (item: CategoryRatioInput, index) =>
          parseRatio(item.ratio, `input.ratios[${index}].ratio`),
        ),
      }),
      ...(input.outpatientRatios?.length && { outpatientRatios: outpatientRatios(input.outpatientRatios) }),
      ...(input.tilt && { tilt: { threshold: input.tilt.threshold, ratio: parseRatio(input.tilt.ratio, 'input.tilt.ratio') } }),
    };
    checkAmounts(input);
    checkIncomeLevel(input.regionCode, year, effectiveFrom, config);
    checkRatioFloors(input.regionCode, effectiveFrom, config, input.outpatientRatios);
    return this.audit.transaction(async (tx) => {
      const row = await this.repository.create(tx, {
        regionCode: input.regionCode,
        year,
        effectiveFrom: parseDate(effectiveFrom)!,
        parameters: regionConfigJson(config),
        demo: false,
        note: input.note ?? null,
        setByClientId: this.principal.clientId,
      });
      return present(row);
    });
  }
}

function governingOrNull(regionCode: string, date: IsoDate): RuleSetId | null {
  try {
    return governingRuleSet(regionCode, date);
  } catch (error) {
    if (error instanceof PolicyInputError) return null;
    throw error;
  }
}

/**
 * A city's or county's version may not state an income where a rule set governing it during the version's period
 * uses the provincial income (shanxi-2022): that income would silently replace the province's in the thresholds.
 */
function checkIncomeLevel(regionCode: string, year: number, effectiveFrom: IsoDate, config: Config): void {
  if (!config.income || regionCode.length === 2) return;
  const province = regionCode.slice(0, 2);
  for (const date of [effectiveFrom, `${year}-12-31`]) {
    const ruleSet = governingOrNull(regionCode.padEnd(6, '0'), date);
    if (ruleSet && incomeScope(ruleSet) === 'PROVINCE') {
      throw new BadUserInputError(
        `${ruleSet} thresholds use the province's income (全省上年居民人均可支配收入): set income in the configuration of ${province}, not of ${regionCode}`,
        'input.income',
      );
    }
  }
}

/** Amounts of a configuration are never negative (the Decimal scalar takes a sign, as reversals need it). */
function checkAmounts(input: RegionConfigInput): void {
  for (const field of ['income', 'monitoringThreshold'] as const) {
    if (input[field]?.isNegative()) throw new BadUserInputError(`${field} must not be negative`, `input.${field}`);
  }
  if (input.tilt?.threshold.isNegative()) throw new BadUserInputError('threshold must not be negative', 'input.tilt.threshold');
  for (const list of ['thresholds', 'caps', 'subsidies'] as const) {
    input[list]?.forEach((item, index) => {
      if (item.amount.isNegative()) throw new BadUserInputError('amount must not be negative', `input.${list}[${index}].amount`);
    });
  }
}

/** A configured ratio may not undercut a floor the rule set states ("不低于"): refuse it when set, not at the next settlement. */
function checkRatioFloors(
  regionCode: string,
  effectiveFrom: IsoDate,
  config: Config,
  outpatient: readonly OutpatientRatioInput[] | null | undefined,
): void {
  const configured: [VisitType, AssistanceCategory, string][] = [
    ...Object.keys(config.ratios ?? {}).map((category, index): [VisitType, AssistanceCategory, string] => [
      'INPATIENT',
      category as AssistanceCategory,
      `input.ratios[${index}].ratio`,
    ]),
  ];
  outpatient?.forEach(({ visitType, category }, index) => configured.push([visitType, category, `input.outpatientRatios[${index}].ratio`]));
  if (configured.length === 0) return;
  // Stand-in thresholds and caps let the lookup reach the ratio even where the region has yet to set them.
  const standIn = Object.fromEntries(ASSISTANCE_CATEGORIES.map((category) => [category, ZERO]));
  const probe = { ...config, thresholds: standIn, caps: standIn };
  const ruleSet = withPolicyErrors(regionConfigArgument, () =>
    resolveRuleSet(governingRuleSet(regionCode.padEnd(6, '0'), effectiveFrom), probe),
  );
  for (const [visitType, category, argument] of configured) {
    try {
      assistanceTerms(ruleSet, { category, class: category === 'MINIMUM_LIVING' ? 1 : null }, visitType);
    } catch (error) {
      if (error instanceof PolicyInputError && error.field.startsWith('config.')) throw new BadUserInputError(error.reason, argument);
      // A missing parameter of another kind is no concern of the floor; anything else is a fault to report.
      if (!(error instanceof ParameterNotSetError) && !(error instanceof PolicyInputError)) throw error;
    }
  }
}
