import { Field, ID, ObjectType } from 'type-graphql';
import { Agency, Purpose } from '../../shared/enums.js';

/** The calling client, as its token says. */
@ObjectType({ description: 'The calling client: its agency, jurisdiction and the purposes it may declare.' })
export class Viewer {
  @Field(() => ID)
  clientId!: string;

  @Field(() => Agency)
  agency!: Agency;

  @Field(() => String, { description: 'Region-code prefix of the rows this client sees (empty: the whole country).' })
  jurisdiction!: string;

  @Field(() => [Purpose])
  purposes!: Purpose[];
}
