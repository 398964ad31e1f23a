import type { Decimal } from 'decimal.js';
import { Field, ID, ObjectType } from 'type-graphql';
import { AssistanceCategory } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../../shared/scalars.js';
import { ExplanationStep } from '../settlement/explanation.type.js';

/** The subsidy a new certification earned an enrolled person (domain.md §4). */
@ObjectType({
  description:
    'The contribution subsidy a new certification earned a person already enrolled for the year: the highest its categories give (就高从优), in the month of certification (jiaxing-2023 二(二)6).',
})
export class SubsidyDecision {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The certification (HouseholdStatus version) that led to it.' })
  certificationId!: string;

  @Field(() => DateScalar, { description: 'The day the subsidy was decided on: the certification’s validFrom; its month is subsidised.' })
  decidedOn!: Date;

  @Field(() => DecimalScalar, { description: 'The enrollment’s subsidy before the decision.' })
  previousAmount!: Decimal;

  @Field(() => DecimalScalar, { description: 'The enrollment’s subsidy after it.' })
  amount!: Decimal;

  @Field(() => DecimalScalar, { description: 'What it adds: amount − previousAmount.' })
  difference!: Decimal;

  @Field(() => AssistanceCategory, { description: 'The category that earns the subsidy.' })
  category!: AssistanceCategory;

  @Field(() => String)
  ruleSet!: string;

  @Field(() => [ExplanationStep])
  explanation!: ExplanationStep[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}
