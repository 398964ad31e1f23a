import { Field, ID, InputType } from 'type-graphql';
import { DateScalar } from '../../shared/scalars.js';

/** What a referral or a consent needs. */
@InputType({ description: 'A person, the partner client that may see them, and for how long.' })
export class SharingGrantInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => ID)
  clientId!: string;

  @Field(() => DateScalar)
  validFrom!: Date;

  @Field(() => DateScalar, { nullable: true, description: 'Open when omitted.' })
  validTo?: Date | null;
}
