import type { Decimal } from 'decimal.js';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AssistanceCategory, EnrollmentStatus, Scheme } from '../../shared/enums.js';
import { DecimalScalar } from '../../shared/scalars.js';

/** An insurance enrollment (参保) for one year, with the subsidy of domain.md §4. */
@ObjectType({ description: 'An insurance enrollment (参保) for one year and the contribution subsidy (资助参保) it received.' })
export class Enrollment {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => Scheme)
  scheme!: Scheme;

  @Field(() => EnrollmentStatus)
  status!: EnrollmentStatus;

  @Field(() => DecimalScalar, { nullable: true })
  personalContribution!: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  subsidyAmount!: Decimal | null;

  @Field(() => AssistanceCategory, { nullable: true })
  subsidyCategory!: AssistanceCategory | null;

  @Field(() => String, { nullable: true, description: 'The rule set that computed the subsidy.' })
  ruleSet!: string | null;
}
