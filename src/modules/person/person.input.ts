import { Field, InputType } from 'type-graphql';
import { AssistanceCategory } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';

/** The criteria of `persons`. */
@InputType({ description: 'Criteria of `persons`; all given criteria must hold.' })
export class PersonFilter {
  @Field(() => String, { nullable: true, description: 'Region-code prefix, e.g. `6207` for Zhangye.' })
  regionPrefix?: string | null;

  @Field(() => AssistanceCategory, {
    nullable: true,
    description: 'Holds a status of this category active on `activeOn` (today when omitted).',
  })
  category?: AssistanceCategory | null;

  @Field(() => DateScalar, { nullable: true, description: 'Holds a status active on this date (of `category` when given).' })
  activeOn?: Date | null;
}
