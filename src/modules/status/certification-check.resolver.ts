import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { AssistanceCategory } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';
import { CertificationCheck } from './certification-check.type.js';

/** The certification check by ID number. */
@Resolver(() => CertificationCheck)
export class CertificationCheckResolver {
  @Query(() => CertificationCheck, {
    description: 'Whether the holder of idNumber holds category on the day; an unknown number answers as one without it.',
  })
  certification(
    @Ctx() ctx: HubContext,
    @Arg('idNumber', () => String) idNumber: string,
    @Arg('category', () => AssistanceCategory) category: AssistanceCategory,
    @Arg('on', () => DateScalar) on: Date,
  ): Promise<CertificationCheck> {
    return ctx.certificationChecks.check(idNumber, category, on);
  }
}
