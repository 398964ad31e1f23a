import { Field, ObjectType } from 'type-graphql';
import type { ExplanationStep as Step } from '../policy/policy.types.js';
import { DecimalScalar } from '../../shared/scalars.js';

/** One line of how an amount came about, with the rule that produced it. */
@ObjectType({ description: 'One step of a settlement or subsidy: its amount, how it came about, and the rule (document and clause).' })
export class ExplanationStep implements Step {
  @Field(() => String, { description: 'Short name of the step: base, threshold, ratio, cap, tilt, outOfPocket, …' })
  step!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'The amount in 元, when the step has one.' })
  amount!: string | null;

  @Field(() => String)
  detail!: string;

  @Field(() => String)
  citation!: string;
}
