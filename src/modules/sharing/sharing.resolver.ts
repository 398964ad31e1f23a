import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { SharingGrantInput } from './sharing.input.js';
import { SharingGrant } from './sharing.type.js';

/** The writes that open a person's data to a charity or an insurer, and end it. */
@Resolver(() => SharingGrant)
export class SharingResolver {
  @Mutation(() => SharingGrant, { description: 'Refers a person (with their consent) to a charity client.' })
  createCharityReferral(@Ctx() ctx: HubContext, @Arg('input', () => SharingGrantInput) input: SharingGrantInput): Promise<SharingGrant> {
    return ctx.sharing.grant('REFERRAL', input);
  }

  @Mutation(() => SharingGrant, { description: 'Ends a referral: the charity no longer sees the person.' })
  endCharityReferral(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<SharingGrant> {
    return ctx.sharing.end('REFERRAL', id);
  }

  @Mutation(() => SharingGrant, { description: "Records a person's consent to share with an insurer client." })
  createInsurerConsent(@Ctx() ctx: HubContext, @Arg('input', () => SharingGrantInput) input: SharingGrantInput): Promise<SharingGrant> {
    return ctx.sharing.grant('CONSENT', input);
  }

  @Mutation(() => SharingGrant, { description: 'Ends a consent: the insurer no longer sees the person.' })
  endInsurerConsent(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<SharingGrant> {
    return ctx.sharing.end('CONSENT', id);
  }
}
