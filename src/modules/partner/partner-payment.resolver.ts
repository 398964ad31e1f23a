import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { requireYear } from '../../shared/validate.js';
import { Person } from '../person/person.type.js';
import { CharityAidInput, CommercialClaimInput } from './partner-payment.input.js';
import type { StoredPayment } from './partner-payment.repository.js';
import { CharityAid, CommercialClaim } from './partner-payment.type.js';

const asAid = (p: StoredPayment): CharityAid => ({ ...p, claimId: p.relatedClaimId });
const asClaim = (p: StoredPayment): CommercialClaim => ({ ...p, claimReference: p.reference });

/** The partners' payments after the three layers, and a person's list of them. */
@Resolver(() => Person)
export class PartnerPaymentResolver {
  @Mutation(() => CharityAid, { description: 'Records aid your charity paid to a person referred to it; idempotent by reference.' })
  async recordCharityAid(@Ctx() ctx: HubContext, @Arg('input', () => CharityAidInput) input: CharityAidInput): Promise<CharityAid> {
    return asAid(await ctx.partnerPayments.record('CHARITY_AID', { ...input, relatedClaimId: input.claimId }));
  }

  @Mutation(() => CommercialClaim, {
    description: 'Records a claim your insurance paid to a consenting person; idempotent by claimReference.',
  })
  async recordCommercialClaim(
    @Ctx() ctx: HubContext,
    @Arg('input', () => CommercialClaimInput) input: CommercialClaimInput,
  ): Promise<CommercialClaim> {
    return asClaim(await ctx.partnerPayments.record('COMMERCIAL_CLAIM', { ...input, reference: input.claimReference }));
  }

  @FieldResolver(() => [CharityAid], {
    nullable: true,
    description: 'Charity aid paid to the person, newest first (a charity sees its own).',
  })
  async charityAid(@Root() person: Person, @Ctx() ctx: HubContext, @Arg('year', () => Int, { nullable: true }) year?: number | null) {
    return (await ctx.loaders.paymentsByPerson({ kind: 'CHARITY_AID', year: year == null ? null : requireYear(year) }).load(person.id)).map(
      asAid,
    );
  }

  @FieldResolver(() => [CommercialClaim], {
    nullable: true,
    description: 'Commercial claims paid to the person, newest first (an insurer sees its own).',
  })
  async commercialClaims(@Root() person: Person, @Ctx() ctx: HubContext, @Arg('year', () => Int, { nullable: true }) year?: number | null) {
    return (
      await ctx.loaders.paymentsByPerson({ kind: 'COMMERCIAL_CLAIM', year: year == null ? null : requireYear(year) }).load(person.id)
    ).map(asClaim);
  }
}
