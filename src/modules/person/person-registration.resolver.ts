import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { PersonChange } from './person-change.type.js';
import { PersonInput, PersonUpdateInput } from './person-registration.input.js';
import { Person } from './person.type.js';

/** Registration writes of medical insurance, and the history they leave. */
@Resolver(() => Person)
export class PersonRegistrationResolver {
  @Mutation(() => Person, { description: 'Registers a person, in a new household unless householdId is given.' })
  registerPerson(@Ctx() ctx: HubContext, @Arg('input', () => PersonInput) input: PersonInput): Promise<Person> {
    return ctx.registration.register(input);
  }

  @Mutation(() => Person, { description: 'Changes contact and residence; the old values stay in Person.changes.' })
  updatePerson(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => PersonUpdateInput) input: PersonUpdateInput,
  ): Promise<Person> {
    return ctx.registration.update(id, input);
  }

  @Mutation(() => Person, { description: 'Moves a person to another household, or to a new one when householdId is omitted.' })
  movePerson(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('householdId', () => ID, { nullable: true }) householdId: string | null,
  ): Promise<Person> {
    return ctx.registration.move(id, householdId ?? null);
  }

  @FieldResolver(() => [PersonChange], { nullable: true, description: 'Changes of contact, residence and household, oldest first.' })
  changes(@Root() person: Person, @Ctx() ctx: HubContext): Promise<PersonChange[]> {
    return ctx.loaders.changesByPerson.load(person.id);
  }
}
