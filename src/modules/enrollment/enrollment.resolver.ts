import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { EnrollmentInput } from './enrollment.input.js';
import { Enrollment } from './enrollment.type.js';

/** Records enrollments with the subsidy the rules give. */
@Resolver(() => Enrollment)
export class EnrollmentResolver {
  @Mutation(() => Enrollment, { description: 'Records an enrollment and the contribution subsidy of the highest category (就高从优).' })
  recordEnrollment(@Ctx() ctx: HubContext, @Arg('input', () => EnrollmentInput) input: EnrollmentInput): Promise<Enrollment> {
    return ctx.enrollments.record(input);
  }
}
