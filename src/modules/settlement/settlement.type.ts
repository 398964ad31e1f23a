import type { Decimal } from 'decimal.js';
import { Field, Int, ObjectType } from 'type-graphql';
import { Agency, AssistanceCategory } from '../../shared/enums.js';
import { DecimalScalar } from '../../shared/scalars.js';
import { ExplanationStep } from './explanation.type.js';

/** An alert a settlement raises, as a quote shows it before anything is stored. */
@ObjectType({ description: 'A high-cost alert (domain.md §5.3) that settling the visit raises.' })
export class AlertPreview {
  @Field(() => String)
  rule!: string;

  @Field(() => String)
  citation!: string;

  @Field(() => String)
  measure!: string;

  @Field(() => DecimalScalar)
  threshold!: Decimal;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => [Agency])
  targets!: Agency[];
}

/** What settling a visit would pay, computed and explained but not stored. */
@ObjectType({ description: 'The three-layer settlement of a visit, computed and explained, not stored (a dry run).' })
export class SettlementQuote {
  @Field(() => String)
  ruleSet!: string;

  @Field(() => Int)
  ruleSetVersion!: number;

  @Field(() => AssistanceCategory, { nullable: true, description: 'The category whose rule paid; null when none did.' })
  category!: AssistanceCategory | null;

  @Field(() => DecimalScalar, { description: 'In-policy cost left after the insurances: what assistance works on.' })
  base!: Decimal;

  @Field(() => DecimalScalar)
  thresholdApplied!: Decimal;

  @Field(() => DecimalScalar)
  assistancePaid!: Decimal;

  @Field(() => DecimalScalar)
  tiltPaid!: Decimal;

  @Field(() => DecimalScalar, { description: 'Out-of-catalog cost above the limit, borne by the provider.' })
  providerBorne!: Decimal;

  @Field(() => DecimalScalar)
  outOfPocket!: Decimal;

  @Field(() => [ExplanationStep])
  explanation!: ExplanationStep[];

  @Field(() => [AlertPreview])
  alerts!: AlertPreview[];
}
