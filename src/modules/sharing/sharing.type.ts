import { Field, ID, ObjectType } from 'type-graphql';
import { CountedConnection } from '../../shared/connection.type.js';
import { Purpose } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar } from '../../shared/scalars.js';

/**
 * A permission for one partner client to see one person: a referral to a
 * charity or a consent to an insurer (access-policy.md §2). Ended by
 * revocation, never deleted.
 */
@ObjectType({ description: 'A referral of a person to a charity, or a consent to share with an insurer.' })
export class SharingGrant {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => ID, { description: 'The charity or insurer client that may see the person.' })
  clientId!: string;

  @Field(() => Purpose)
  purpose!: Purpose;

  @Field(() => DateScalar)
  validFrom!: Date;

  @Field(() => DateScalar, { nullable: true })
  validTo!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;
}

/** A page of a partner's active referrals or consents, in id order. */
@ObjectType()
export class SharingGrantConnection extends CountedConnection(SharingGrant) {}
