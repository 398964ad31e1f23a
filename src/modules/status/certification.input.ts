import { Field, ID, InputType, Int } from 'type-graphql';
import { AssistanceCategory } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';

/** A certification to record (domain.md §3): the person by `personId` or `idNumber`, exactly one. */
@InputType({
  description:
    'A certification by the agency that owns its category. Idempotent by (certifying agency, documentNo): the same content again ' +
    'changes nothing; other dates or class under the same documentNo are a new version that supersedes the current one.',
})
export class CertificationInput {
  @Field(() => ID, { nullable: true })
  personId?: string | null;

  @Field(() => String, { nullable: true, description: 'The full 18-character ID number, instead of personId.' })
  idNumber?: string | null;

  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => Int, { nullable: true, description: 'MINIMUM_LIVING only: 1–4.' })
  class?: number | null;

  @Field(() => String, { description: 'The decision document (审批文号), 1–64 characters.' })
  documentNo!: string;

  @Field(() => DateScalar)
  validFrom!: Date;

  @Field(() => DateScalar, { nullable: true, description: 'Open while omitted.' })
  validTo?: Date | null;

  @Field(() => DateScalar, { nullable: true, description: '渐退期: assistance continues until this date (needs validTo).' })
  transitionUntil?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'MINIMUM_LIVING or LOW_INCOME_MARGINAL certified because of illness spending (jiaxing-2023): costs before validFrom count.',
  })
  retroactive?: boolean | null;
}
