import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { SharingGrantInput } from './sharing.input.js';
import { SharingGrant, SharingGrantConnection } from './sharing.type.js';

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

  @Query(() => SharingGrantConnection, { description: 'Your active referrals (a charity), in id order: the persons you may serve today.' })
  referrals(
    @Ctx() ctx: HubContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<SharingGrantConnection> {
    return ctx.sharing.activeOwn('REFERRAL', first, after);
  }

  @Query(() => SharingGrantConnection, {
    description: 'Your active consents (an insurer), in id order: your policyholders who share today.',
  })
  consents(
    @Ctx() ctx: HubContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<SharingGrantConnection> {
    return ctx.sharing.activeOwn('CONSENT', first, after);
  }
}
