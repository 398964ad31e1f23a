import type { Decimal } from 'decimal.js';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../../shared/scalars.js';

/** Aid a charity paid to a person. */
@ObjectType({ description: 'Aid a charity paid to a referred person, after the three layers.' })
export class CharityAid {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => DateScalar)
  paidOn!: Date;

  @Field(() => String)
  reference!: string;

  @Field(() => String, { nullable: true })
  claimId!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

/** A claim a commercial insurer paid to a person. */
@ObjectType({ description: 'A claim a commercial insurer paid to a consenting policyholder, after the three layers.' })
export class CommercialClaim {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => String)
  claimReference!: string;

  @Field(() => DateScalar)
  paidOn!: Date;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => String, { nullable: true })
  relatedClaimId!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}
