import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { requireYear } from '../../shared/validate.js';
import { Household } from '../household/household.type.js';
import { Person } from '../person/person.type.js';
import { HouseholdResidual, PersonResidual } from './residual.type.js';

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
      members.map((member) => member.id),
      checked,
    );
  }
}
