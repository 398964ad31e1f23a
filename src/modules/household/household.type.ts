import { Field, ID, ObjectType } from 'type-graphql';

/** A household (户); its members are resolved through a loader. */
@ObjectType({ description: 'A household (户) and its members.' })
export class Household {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  regionCode!: string;
}
