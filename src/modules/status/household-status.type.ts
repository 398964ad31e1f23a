import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Agency, AssistanceCategory } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar } from '../../shared/scalars.js';

/** A certification of domain.md §3; kept as history, never overwritten. */
@ObjectType({ description: 'A certification (household status) such as 低保 or 特困, with its validity; history is kept.' })
export class HouseholdStatus {
  @Field(() => ID)
  id!: string;

  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => Int, { nullable: true, description: 'The class of a MINIMUM_LIVING certification (1–4).' })
  class!: number | null;

  @Field(() => Agency, { nullable: true })
  certifiedBy!: Agency;

  @Field(() => String, { nullable: true })
  documentNo!: string | null;

  @Field(() => DateScalar)
  validFrom!: Date;

  @Field(() => DateScalar, { nullable: true, description: 'Null while current.' })
  validTo!: Date | null;

  @Field(() => DateScalar, { nullable: true, description: '渐退期: subsidy and assistance continue until this date.' })
  transitionUntil!: Date | null;

  @Field(() => Boolean, {
    description: 'Certified because of illness spending: costs of the 6 months before validFrom count (jiaxing-2023).',
  })
  retroactive!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokeReason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The version this one corrects (an end, an extension, a transition); kept as history.' })
  supersedesId!: string | null;
}
