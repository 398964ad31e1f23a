import type { Decimal } from 'decimal.js';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AssistanceCategory, VisitType } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../../shared/scalars.js';

/** An amount a region sets for one category. */
@ObjectType()
export class CategoryAmount {
  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => DecimalScalar)
  amount!: Decimal;
}

/** A ratio a region sets for one category. */
@ObjectType()
export class CategoryRatio {
  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => String, { description: 'A decimal between "0" and "1", e.g. "0.65".' })
  ratio!: string;
}

/** An outpatient ratio a region sets for one visit type and category. */
@ObjectType()
export class OutpatientRatio {
  @Field(() => VisitType)
  visitType!: VisitType;

  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => String)
  ratio!: string;
}

/** Tilted assistance as a region configures it. */
@ObjectType()
export class TiltParameters {
  @Field(() => DecimalScalar)
  threshold!: Decimal;

  @Field(() => String)
  ratio!: string;
}

/** One version of a region's configuration of the parameters its rule set leaves open (domain.md §5.1). */
@ObjectType({ description: "A region's policy parameters for one year, from `effectiveFrom` until a later version." })
export class RegionConfig {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Region-code prefix (2, 4 or 6 digits) the configuration applies to.' })
  regionCode!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => DateScalar)
  effectiveFrom!: Date;

  @Field(() => DecimalScalar, { nullable: true, description: 'Previous-year per-capita disposable income (上年居民人均可支配收入).' })
  income!: Decimal | null;

  @Field(() => [CategoryAmount], { description: 'Annual thresholds (起付标准).' })
  thresholds!: CategoryAmount[];

  @Field(() => [CategoryAmount], { description: 'Annual caps (年度救助限额).' })
  caps!: CategoryAmount[];

  @Field(() => [CategoryRatio], { description: 'Inpatient assistance ratios; they replace the rule set’s inpatient ratio only.' })
  ratios!: CategoryRatio[];

  @Field(() => [OutpatientRatio], { description: 'Outpatient ratios, configured apart from the inpatient ones.' })
  outpatientRatios!: OutpatientRatio[];

  @Field(() => TiltParameters, { nullable: true, description: 'Tilted assistance (倾斜救助) where the rule set leaves it to the region.' })
  tilt!: TiltParameters | null;

  @Field(() => [CategoryAmount], { description: 'Fixed enrollment subsidies for amounts "set by the province".' })
  subsidies!: CategoryAmount[];

  @Field(() => DecimalScalar, { nullable: true, description: 'Annual-burden alert threshold the monitoring rules leave to the region.' })
  monitoringThreshold!: Decimal | null;

  @Field(() => Boolean, { description: 'Demo values generated for fictitious data, not policy.' })
  demo!: boolean;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => DateTimeScalar)
  setAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The client that set it; null when the demo loader did.' })
  setByClientId!: string | null;
}
