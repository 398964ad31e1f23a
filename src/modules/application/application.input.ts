import { Field, ID, InputType } from 'type-graphql';
import { AssistanceCategory } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';

/** An application to submit. */
@InputType({ description: 'An application for assistance for a person in your rows; forwarded to the agency that decides.' })
export class ApplicationInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => DateScalar)
  periodFrom!: Date;

  @Field(() => DateScalar, { nullable: true, description: 'Open when omitted.' })
  periodTo?: Date | null;

  @Field(() => String, { nullable: true, description: 'Up to 500 characters.' })
  reason?: string | null;
}
