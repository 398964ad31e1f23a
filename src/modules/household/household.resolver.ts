import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { plannedValue } from '../../shared/planned.js';
import type { HubContext } from '../../server/context.js';
import { requireUuid } from '../../shared/validate.js';
import { Person } from '../person/person.type.js';
import { Household } from './household.type.js';

/** Maps the Household query and its members onto the per-request loaders. */
@Resolver(() => Household)
export class HouseholdResolver {
  @Query(() => Household, { nullable: true, description: 'One household by id; null when unknown.' })
  household(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<Household | null> {
    return ctx.loaders.householdById.load(requireUuid(id, 'id'));
  }

  @FieldResolver(() => [Person])
  members(@Root() household: Household, @Ctx() ctx: HubContext, @Info() info: GraphQLResolveInfo): Promise<Person[]> | Person[] {
    return plannedValue<Person[]>(household, info) ?? ctx.loaders.membersByHousehold.load(household.id);
  }
}
