import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { BenefitRecord } from '../benefit/benefit-record.type.js';
import { ClaimInput, VisitInput } from './settlement.input.js';
import { SettlementQuote } from './settlement.type.js';

/** The one-stop settlement: dry-run quotes, exactly-once settlements, reversals. */
@Resolver()
export class SettlementResolver {
  @Query(() => SettlementQuote, { description: 'What settling the visit would pay now, explained step by step; nothing is stored.' })
  quoteSettlement(
    @Ctx() ctx: HubContext,
    @Arg('input', () => VisitInput) input: VisitInput,
    @Arg('ruleSet', () => String, { nullable: true, description: 'What-if: settle under this rule set instead of the governing one.' })
    ruleSet: string | null,
  ): Promise<SettlementQuote> {
    return ctx.settlements.quote(input, ruleSet ?? null);
  }

  @Mutation(() => BenefitRecord, {
    description: 'Settles a claim through the three layers and stores it; a retry of the same claim returns the stored record.',
  })
  settleClaim(@Ctx() ctx: HubContext, @Arg('input', () => ClaimInput) input: ClaimInput): Promise<BenefitRecord> {
    return ctx.settlements.settle(input);
  }

  @Mutation(() => BenefitRecord, {
    description: 'Cancels a settled claim with a reversal record (every amount negated); the settlement itself is never edited.',
  })
  reverseClaim(
    @Ctx() ctx: HubContext,
    @Arg('claimId', () => String) claimId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<BenefitRecord> {
    return ctx.settlements.reverse(claimId, reason);
  }
}
