import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { RegionConfigArgs, RegionConfigInput } from './region-config.input.js';
import { RegionConfig } from './region-config.type.js';

/** Reads and sets the parameters a rule set leaves to the region. */
@Resolver(() => RegionConfig)
export class RegionConfigResolver {
  @Query(() => RegionConfig, {
    nullable: true,
    description: 'The configuration version in force for a region on a date (default: the end of the year).',
  })
  regionConfig(@Ctx() ctx: HubContext, @Args(() => RegionConfigArgs) args: RegionConfigArgs): Promise<RegionConfig | null> {
    return ctx.regionConfigs.read(args);
  }

  @Mutation(() => RegionConfig, { description: 'Stores a new configuration version for a region and year, from its effective date on.' })
  setRegionConfig(@Ctx() ctx: HubContext, @Arg('input', () => RegionConfigInput) input: RegionConfigInput): Promise<RegionConfig> {
    return ctx.regionConfigs.set(input);
  }
}
