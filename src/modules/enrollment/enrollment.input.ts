import type { Decimal } from 'decimal.js';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Scheme } from '../../shared/enums.js';
import { DateScalar, DecimalScalar } from '../../shared/scalars.js';

/** An enrollment to record; the hub computes its subsidy (domain.md §4). */
@InputType({ description: 'An enrollment (参保) for a benefit year; the hub computes the contribution subsidy.' })
export class EnrollmentInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => Int, { description: 'The benefit year (待遇享受期) the contribution pays for.' })
  year!: number;

  @Field(() => Scheme)
  scheme!: Scheme;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The resident insurance’s personal contribution; required for RESIDENT, absent for EMPLOYEE.',
  })
  personalContribution?: Decimal | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day whose categories decide the subsidy; default today.' })
  decidedOn?: Date | null;
}
