import type { Decimal } from 'decimal.js';
import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { AssistanceCategory, VisitType } from '../../shared/enums.js';
import { DateScalar, DecimalScalar } from '../../shared/scalars.js';

/** An amount for one category. */
@InputType()
export class CategoryAmountInput {
  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => DecimalScalar)
  amount!: Decimal;
}

/** A ratio for one category. */
@InputType()
export class CategoryRatioInput {
  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => String, { description: 'A decimal between "0" and "1" with at most four decimals, e.g. "0.65".' })
  ratio!: string;
}

/** An outpatient ratio for one visit type and category, configured apart from the inpatient ratios. */
@InputType()
export class OutpatientRatioInput {
  @Field(() => VisitType, { description: 'OUTPATIENT_CHRONIC or OUTPATIENT_SPECIAL_DRUG.' })
  visitType!: VisitType;

  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => String, { description: 'A decimal between "0" and "1" with at most four decimals, e.g. "0.30".' })
  ratio!: string;
}

/** Tilted assistance (倾斜救助) where the rule set leaves its numbers to the region. */
@InputType()
export class TiltInput {
  @Field(() => DecimalScalar, { description: 'The yearly in-policy remainder above which the tilt pays.' })
  threshold!: Decimal;

  @Field(() => String, { description: 'The share of the part above the threshold, a decimal between "0" and "1", e.g. "0.60".' })
  ratio!: string;
}

/** A whole configuration version: what it omits is not set from `effectiveFrom` on. */
@InputType({ description: 'The parameters of a region for one year. A version states them whole; omitted ones are not set.' })
export class RegionConfigInput {
  @Field(() => String, { description: 'Region-code prefix: 2 (province), 4 (city) or 6 digits; within the client’s jurisdiction.' })
  regionCode!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => DateScalar, { nullable: true, description: 'Within `year`; default January 1 of it.' })
  effectiveFrom?: Date | null;

  @Field(() => DecimalScalar, { nullable: true })
  income?: Decimal | null;

  @Field(() => [CategoryAmountInput], { nullable: true })
  thresholds?: CategoryAmountInput[] | null;

  @Field(() => [CategoryAmountInput], { nullable: true })
  caps?: CategoryAmountInput[] | null;

  @Field(() => [CategoryRatioInput], { nullable: true, description: 'Inpatient ratios; they replace the rule set’s inpatient ratio only.' })
  ratios?: CategoryRatioInput[] | null;

  @Field(() => [OutpatientRatioInput], { nullable: true, description: 'Outpatient ratios, per visit type.' })
  outpatientRatios?: OutpatientRatioInput[] | null;

  @Field(() => TiltInput, { nullable: true })
  tilt?: TiltInput | null;

  @Field(() => [CategoryAmountInput], { nullable: true })
  subsidies?: CategoryAmountInput[] | null;

  @Field(() => DecimalScalar, { nullable: true })
  monitoringThreshold?: Decimal | null;

  @Field(() => String, { nullable: true, description: 'Where the numbers come from (document number), up to 500 characters.' })
  note?: string | null;
}

/** Which configuration to read: the version in force for a region on a date. */
@ArgsType()
export class RegionConfigArgs {
  @Field(() => String, { description: 'A 6-digit region code, or a prefix of one.' })
  regionCode!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => DateScalar, { nullable: true, description: 'Default: the last day of `year` (the version in force at its end).' })
  on?: Date | null;
}
