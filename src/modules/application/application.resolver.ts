import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApplicationStatus } from '../../generated/prisma/enums.js';
import type { HubContext } from '../../server/context.js';
import { Person } from '../person/person.type.js';
import { ApplicationInput } from './application.input.js';
import { ApplicationDecision, AssistanceApplication, AssistanceApplicationConnection } from './application.type.js';

/** Applications for assistance: submitted, forwarded, decided. */
@Resolver(() => Person)
export class ApplicationResolver {
  @Mutation(() => AssistanceApplication, {
    description: 'Submits an application for a person in your rows; it goes to the agency that decides.',
  })
  submitApplication(@Ctx() ctx: HubContext, @Arg('input', () => ApplicationInput) input: ApplicationInput): Promise<AssistanceApplication> {
    return ctx.applications.submit(input);
  }

  @Mutation(() => AssistanceApplication, { description: 'Approves or rejects an application forwarded to your agency, with a note.' })
  decideApplication(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => ApplicationDecision) decision: ApplicationDecision,
    @Arg('note', () => String, { nullable: true }) note?: string | null,
  ): Promise<AssistanceApplication> {
    return ctx.applications.decide(id, decision, note ?? null);
  }

  @Query(() => AssistanceApplicationConnection, {
    description: 'Applications in your rows that your agency decides or submitted, oldest first.',
  })
  applications(
    @Ctx() ctx: HubContext,
    @Arg('status', () => ApplicationStatus, { nullable: true }) status?: ApplicationStatus | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<AssistanceApplicationConnection> {
    return ctx.applications.list(status, first, after);
  }

  @FieldResolver(() => [AssistanceApplication], {
    name: 'applications',
    nullable: true,
    description: 'Applications for the person, newest first.',
  })
  personApplications(@Root() person: Person, @Ctx() ctx: HubContext): Promise<AssistanceApplication[]> {
    return ctx.loaders.applicationsByPerson.load(person.id);
  }
}
