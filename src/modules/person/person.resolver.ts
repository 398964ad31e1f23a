import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { CursorList } from '../../shared/pagination.js';
import { plannedValue } from '../../shared/planned.js';
import type { BenefitRow, BurdenRow } from '../benefit/benefit.repository.js';
import { maxMoney, ZERO } from '../../shared/money.js';
import { DateScalar } from '../../shared/scalars.js';
import { requireYear } from '../../shared/validate.js';
import { BenefitConnection, Burden } from '../benefit/benefit-record.type.js';
import { Enrollment } from '../enrollment/enrollment.type.js';
import { Household } from '../household/household.type.js';
import { HouseholdStatus } from '../status/household-status.type.js';
import { PersonConnection } from './person.connection.js';
import { BenefitsArgs, PersonLookupArgs, PersonsArgs } from './person.args.js';
import { Person } from './person.type.js';

const BENEFITS = new CursorList('benefit');

/** Maps the Person queries and relations onto the person service and the per-request loaders. */
@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { nullable: true, description: 'One person by id or by ID number; null when unknown (or out of your scope).' })
  person(@Ctx() ctx: HubContext, @Args(() => PersonLookupArgs) { id, idNumber }: PersonLookupArgs): Promise<Person | null> {
    return ctx.persons.lookup(id, idNumber);
  }

  @Query(() => PersonConnection, { description: 'Persons in id order, a page at a time (first: 1–1000, default 20).' })
  persons(
    @Ctx() ctx: HubContext,
    @Args(() => PersonsArgs) { filter, first, after }: PersonsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PersonConnection> {
    return ctx.persons.list(filter, first, after, info);
  }

  // Each relation returns what a planned read attached to the person (person.plan.ts), else asks its loader.

  @FieldResolver(() => Household, { nullable: true })
  household(
    @Root() person: Person,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Household | null> | Household | null {
    const planned = plannedValue<Household | null>(person, info);
    if (planned !== undefined) return planned;
    return person.householdId ? ctx.loaders.householdById.load(person.householdId) : null;
  }

  @FieldResolver(() => [HouseholdStatus], {
    nullable: true,
    description: 'The certification history, or the statuses active on `activeOn`.',
  })
  statuses(
    @Root() person: Person,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('activeOn', () => DateScalar, { nullable: true }) activeOn?: Date | null,
  ): Promise<HouseholdStatus[]> | HouseholdStatus[] {
    return plannedValue<HouseholdStatus[]>(person, info) ?? ctx.loaders.statusesByPerson(activeOn ?? null).load(person.id);
  }

  @FieldResolver(() => [Enrollment], { nullable: true })
  enrollments(
    @Root() person: Person,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('year', () => Int, { nullable: true }) year?: number | null,
  ): Promise<Enrollment[]> | Enrollment[] {
    return (
      plannedValue<Enrollment[]>(person, info) ?? ctx.loaders.enrollmentsByPerson(year == null ? null : requireYear(year)).load(person.id)
    );
  }

  @FieldResolver(() => BenefitConnection, { nullable: true, description: 'Settled visits, newest service date first.' })
  async benefits(
    @Root() person: Person,
    @Ctx() ctx: HubContext,
    @Args(() => BenefitsArgs) { year, first, after }: BenefitsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<BenefitConnection> {
    const { size, after: afterId } = BENEFITS.request(first, after);
    const checkedYear = year == null ? null : requireYear(year);
    const planned = plannedValue<{ rows: BenefitRow[]; totalCount: number }>(person, info);
    const [rows, totalCount] = planned
      ? [planned.rows, planned.totalCount]
      : await Promise.all([
          ctx.loaders.benefitPageByPerson({ year: checkedYear, first: size, afterId }).load(person.id),
          ctx.loaders.benefitCountByPerson(checkedYear).load(person.id),
        ]);
    return { ...BENEFITS.page(rows, size, (benefit) => benefit.id), totalCount };
  }

  @FieldResolver(() => Burden, { nullable: true, description: 'Sums over the settled visits of a calendar year (zeros when none).' })
  async burden(
    @Root() person: Person,
    @Ctx() ctx: HubContext,
    @Arg('year', () => Int) year: number,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Burden> {
    const planned = plannedValue<BurdenRow | null>(person, info);
    const sums = planned !== undefined ? planned : await ctx.loaders.burdenByPerson(requireYear(year)).load(person.id);
    if (sums) return { ...sums, year, remaining: maxMoney(ZERO, sums.outOfPocket.minus(sums.charityPaid).minus(sums.commercialPaid)) };
    return {
      year,
      visits: 0,
      totalCost: ZERO,
      basicPaid: ZERO,
      criticalPaid: ZERO,
      otherPaid: ZERO,
      assistancePaid: ZERO,
      tiltPaid: ZERO,
      outOfPocket: ZERO,
      charityPaid: ZERO,
      commercialPaid: ZERO,
      remaining: ZERO,
    };
  }
}
