import { Ctx, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { Viewer } from './viewer.type.js';

/** `viewer`: who the hub takes the caller to be (no personal data; every agency has it). */
@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer)
  viewer(@Ctx() ctx: HubContext): Viewer {
    const { clientId, agency, jurisdiction, purposes } = ctx.principal;
    return { clientId, agency, jurisdiction, purposes };
  }
}
