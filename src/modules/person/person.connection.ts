import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../shared/page-info.type.js';
import { Person } from './person.type.js';

@ObjectType()
export class PersonEdge {
  @Field(() => Person)
  node!: Person;

  @Field(() => String)
  cursor!: string;
}

/** A page of persons in id order. */
@ObjectType()
export class PersonConnection {
  @Field(() => [PersonEdge])
  edges!: PersonEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'All persons matching the filter, not just this page.' })
  totalCount!: number;
}
