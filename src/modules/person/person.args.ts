import { ArgsType, Field, ID, Int } from 'type-graphql';
import { PersonFilter } from './person.input.js';

/** `person(id, idNumber)`: exactly one of the two. */
@ArgsType()
export class PersonLookupArgs {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'The full 18-character ID number.' })
  idNumber?: string | null;
}

/** `persons(filter, first, after)`. */
@ArgsType()
export class PersonsArgs {
  @Field(() => PersonFilter, { nullable: true })
  filter?: PersonFilter | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

/** `Person.benefits(year, first, after)`. */
@ArgsType()
export class BenefitsArgs {
  @Field(() => Int, { nullable: true })
  year?: number | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}
