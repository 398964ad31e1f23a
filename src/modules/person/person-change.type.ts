import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../shared/scalars.js';

/** One field of a person changed by an update or a household move. */
@ObjectType({ description: 'A change of phone, residence, regionCode or householdId, with the values before and after.' })
export class PersonChange {
  @Field(() => String, { description: 'phone, residence, regionCode or householdId.' })
  field!: string;

  @Field(() => String, { nullable: true })
  before!: string | null;

  @Field(() => String, { nullable: true })
  after!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;
}
