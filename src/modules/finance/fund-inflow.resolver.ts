import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { FundInflow, FundInflowInput } from './fund-inflow.type.js';

/** FINANCE records what flows into the assistance fund; the statistics set it against what flows out. */
@Resolver(() => FundInflow)
export class FundInflowResolver {
  @Mutation(() => [FundInflow], {
    description: 'Records an allocation to a region’s assistance fund (two with splitCityDistrict); a retry returns what is stored.',
  })
  recordFundInflow(@Ctx() ctx: HubContext, @Arg('input', () => FundInflowInput) input: FundInflowInput): Promise<FundInflow[]> {
    return ctx.fundInflows.record(input);
  }
}
