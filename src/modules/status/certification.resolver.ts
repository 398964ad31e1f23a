import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { DateScalar } from '../../shared/scalars.js';
import { CertificationInput } from './certification.input.js';
import { HouseholdStatus } from './household-status.type.js';

/** The writes of the certifying agencies (access-policy.md §4). */
@Resolver(() => HouseholdStatus)
export class CertificationResolver {
  @Mutation(() => HouseholdStatus, {
    description: 'Certifies a person in a category your agency owns; idempotent by (your agency, documentNo).',
  })
  certifyStatus(@Ctx() ctx: HubContext, @Arg('input', () => CertificationInput) input: CertificationInput): Promise<HouseholdStatus> {
    return ctx.certifications.certify(input);
  }

  @Mutation(() => HouseholdStatus, {
    description: 'Ends, extends or puts into transition (渐退期) a current certification: a new version that supersedes it.',
  })
  amendStatus(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('validTo', () => DateScalar, { nullable: true, description: 'Null: open-ended.' }) validTo: Date | null,
    @Arg('transitionUntil', () => DateScalar, { nullable: true }) transitionUntil: Date | null,
  ): Promise<HouseholdStatus> {
    return ctx.certifications.amend(id, validTo ?? null, transitionUntil ?? null);
  }

  @Mutation(() => HouseholdStatus, { description: 'Revokes a current certification from effectiveOn, with the reason.' })
  revokeStatus(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('effectiveOn', () => DateScalar) effectiveOn: Date,
  ): Promise<HouseholdStatus> {
    return ctx.certifications.revoke(id, reason, effectiveOn);
  }
}
