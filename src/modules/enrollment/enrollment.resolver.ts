import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { EnrollmentInput } from './enrollment.input.js';
import { Enrollment } from './enrollment.type.js';
import type { ExplanationStep } from '../settlement/explanation.type.js';
import { SubsidyDecision } from './subsidy-decision.type.js';

/** Records enrollments with the subsidy the rules give. */
@Resolver(() => Enrollment)
export class EnrollmentResolver {
  @Mutation(() => Enrollment, { description: 'Records an enrollment and the contribution subsidy of the highest category (就高从优).' })
  recordEnrollment(@Ctx() ctx: HubContext, @Arg('input', () => EnrollmentInput) input: EnrollmentInput): Promise<Enrollment> {
    return ctx.enrollments.record(input);
  }

  @FieldResolver(() => [SubsidyDecision], {
    description: 'The subsidy decisions new certifications led to for this enrollment, oldest first (the hub decides them itself).',
  })
  async subsidyDecisions(@Root() enrollment: Enrollment, @Ctx() ctx: HubContext): Promise<SubsidyDecision[]> {
    const rows = await ctx.loaders.subsidyDecisionsByEnrollment.load(enrollment.id);
    return rows.map(({ statusId, explanation, ...row }) => ({
      ...row,
      certificationId: statusId,
      explanation: explanation as unknown as ExplanationStep[],
    }));
  }
}
