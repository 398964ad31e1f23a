import { Field, ObjectType } from 'type-graphql';
import { DateScalar } from '../../shared/scalars.js';

/** Whether a person holds a category on a day, and nothing else. */
@ObjectType({ description: 'Whether the ID number holds the category on the day: the validity and nothing else of the person.' })
export class CertificationCheck {
  @Field(() => Boolean)
  holds!: boolean;

  @Field(() => DateScalar, { nullable: true })
  validFrom!: Date | null;

  @Field(() => DateScalar, { nullable: true, description: 'The end, a transition period (渐退期) included; null while open.' })
  validTo!: Date | null;
}
