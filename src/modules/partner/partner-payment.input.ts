import type { Decimal } from 'decimal.js';
import { Field, ID, InputType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '../../shared/scalars.js';

/** Aid a charity paid; the person by `personId` or `idNumber`, exactly one. */
@InputType({ description: 'Aid paid by your charity to a person referred to it; idempotent by your reference.' })
export class CharityAidInput {
  @Field(() => ID, { nullable: true })
  personId?: string | null;

  @Field(() => String, { nullable: true, description: 'The full ID number, instead of personId.' })
  idNumber?: string | null;

  @Field(() => DecimalScalar, { description: 'More than 0.' })
  amount!: Decimal;

  @Field(() => DateScalar, { description: 'Not in the future.' })
  paidOn!: Date;

  @Field(() => String, { description: 'Your reference of the payment, 1–64 characters: recording it again changes nothing.' })
  reference!: string;

  @Field(() => String, { nullable: true, description: 'The settled claim the aid relates to.' })
  claimId?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 500 characters.' })
  note?: string | null;
}

/** A claim an insurer paid; the person by `personId` or `idNumber`, exactly one. */
@InputType({ description: 'A claim paid by your insurance to a consenting policyholder; idempotent by claimReference.' })
export class CommercialClaimInput {
  @Field(() => ID, { nullable: true })
  personId?: string | null;

  @Field(() => String, { nullable: true, description: 'The full ID number, instead of personId.' })
  idNumber?: string | null;

  @Field(() => String, { description: 'Your claim reference, 1–64 characters: recording it again changes nothing.' })
  claimReference!: string;

  @Field(() => DateScalar, { description: 'Not in the future.' })
  paidOn!: Date;

  @Field(() => DecimalScalar, { description: 'More than 0.' })
  amount!: Decimal;

  @Field(() => String, { nullable: true, description: 'The settled claim of the hub this one follows.' })
  relatedClaimId?: string | null;
}
