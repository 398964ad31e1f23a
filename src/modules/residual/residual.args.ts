import { ArgsType, Field, Int } from 'type-graphql';

/** `residualsOverCap(year, first, after)`. */
@ArgsType()
export class ResidualsOverCapArgs {
  @Field(() => Int, { description: 'The calendar year whose settled visits count.' })
  year!: number;

  @Field(() => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}
