import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { StatisticsInput, StatisticsTable } from './statistics.type.js';

/** Counts and sums over persons, by region, category, month, visit type or outcome, with disclosure control. */
@Resolver(() => StatisticsTable)
export class StatisticsResolver {
  @Query(() => StatisticsTable, {
    description: 'A statistics table within the client’s rows; cells of 1–9 persons are hidden from FINANCE and ANALYST.',
  })
  statistics(@Ctx() ctx: HubContext, @Arg('input', () => StatisticsInput) input: StatisticsInput): Promise<StatisticsTable> {
    return ctx.statistics.table(input);
  }
}
