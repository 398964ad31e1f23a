import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { requireYear } from '../../shared/validate.js';
import { Household } from '../household/household.type.js';
import { Person } from '../person/person.type.js';
import { ResidualsOverCapArgs } from './residual.args.js';
import type { OverCapPage } from './residual.service.js';
import {
  HouseholdResidual,
  HouseholdResidualOverCapConnection,
  HouseholdResidualOverCapEdge,
  PersonResidual,
  ResidualOverCapConnection,
  ResidualOverCapEdge,
} from './residual.type.js';

/** `Person.residual(year)`: jiaxing's 动态清零 for the casework agencies. */
@Resolver(() => Person)
export class PersonResidualResolver {
  @FieldResolver(() => PersonResidual, {
    nullable: true,
    description: 'What remains after every layer in `year` and the excess the city fund covers (动态清零, jiaxing).',
  })
  residual(@Root() person: Person, @Ctx() ctx: HubContext, @Arg('year', () => Int) year: number): Promise<PersonResidual> {
    return ctx.residuals.forPerson(person.id, requireYear(year));
  }
}

/** `Household.residual(year)`: the household cap over the members the client may see. */
@Resolver(() => Household)
export class HouseholdResidualResolver {
  @FieldResolver(() => HouseholdResidual, {
    nullable: true,
    description: "The household's 动态清零 in `year`: members within the person cap, the household cap, the fund's share.",
  })
  async residual(@Root() household: Household, @Ctx() ctx: HubContext, @Arg('year', () => Int) year: number): Promise<HouseholdResidual> {
    const checked = requireYear(year);
    const members = await ctx.loaders.membersByHousehold.load(household.id);
    return ctx.residuals.forHousehold(
      household.id,
      members.map((member) => member.id),
      checked,
    );
  }
}

/** `residualsOverCap(year, first, after)`: the persons the city fund must cover, for medical insurance and civil affairs. */
@Resolver(() => ResidualOverCapEdge)
export class ResidualOverCapResolver {
  @Query(() => ResidualOverCapConnection, {
    description:
      'The persons in your rows whose residual in `year` (what remains after every layer, 动态清零) is above the person cap, in id order (first: 1–1000, default 20).',
  })
  residualsOverCap(
    @Ctx() ctx: HubContext,
    @Args(() => ResidualsOverCapArgs) { year, first, after }: ResidualsOverCapArgs,
  ): Promise<OverCapPage<PersonResidual>> {
    return ctx.residuals.overCap(year, first, after);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The person over the cap.' })
  person(@Root() edge: ResidualOverCapEdge, @Ctx() ctx: HubContext): Promise<Person | null> {
    return ctx.loaders.personById.load(edge.node.personId);
  }
}

/** `householdsOverCap(year, first, after)`: the households the city fund must cover, for medical insurance and civil affairs. */
@Resolver(() => HouseholdResidualOverCapEdge)
export class HouseholdResidualOverCapResolver {
  @Query(() => HouseholdResidualOverCapConnection, {
    description:
      "The households with members in your rows whose residual in `year` (the members' residuals, each within the person cap, 动态清零) is above the household cap, in id order (first: 1–1000, default 20).",
  })
  householdsOverCap(
    @Ctx() ctx: HubContext,
    @Args(() => ResidualsOverCapArgs) { year, first, after }: ResidualsOverCapArgs,
  ): Promise<OverCapPage<HouseholdResidual>> {
    return ctx.residuals.householdsOverCap(year, first, after);
  }

  @FieldResolver(() => Household, { nullable: true, description: 'The household over the cap.' })
  household(@Root() edge: HouseholdResidualOverCapEdge, @Ctx() ctx: HubContext): Promise<Household | null> {
    return ctx.loaders.householdById.load(edge.node.householdId);
  }
}

/** `totalCount` of `residualsOverCap`: the whole list walked, only when the client selects it. */
@Resolver(() => ResidualOverCapConnection)
export class ResidualOverCapConnectionResolver {
  @FieldResolver(() => Int, { description: 'All persons in your rows over the cap in the year, not just this page.' })
  totalCount(@Root() page: OverCapPage<PersonResidual>): Promise<number> {
    return page.totalCount();
  }
}

/** `totalCount` of `householdsOverCap`: the whole list walked, only when the client selects it. */
@Resolver(() => HouseholdResidualOverCapConnection)
export class HouseholdResidualOverCapConnectionResolver {
  @FieldResolver(() => Int, { description: 'All households with members in your rows over the cap in the year, not just this page.' })
  totalCount(@Root() page: OverCapPage<HouseholdResidual>): Promise<number> {
    return page.totalCount();
  }
}
