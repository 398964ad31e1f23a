import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../shared/scalars.js';
import { ApplicationDecision } from '../application/application.type.js';

/** An exchange event as a subscriber receives it: what the webhook body's `data` carries. */
@ObjectType({
  description:
    'An event of the two-way exchange: certification.granted, certification.revoked (to medical insurance of the person’s rows) or application.decided (to the client that submitted the application).',
})
export class ExchangeEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'certification.granted, certification.revoked or application.decided.' })
  kind!: string;

  @Field(() => ID, { description: 'The certification (HouseholdStatus version) or the application it is about.' })
  subjectId!: string;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => ID)
  personId!: string;

  @Field(() => String, { description: 'The person’s region code.' })
  regionCode!: string;

  @Field(() => ApplicationDecision, { nullable: true, description: 'application.decided: APPROVED or REJECTED. Null for the other kinds.' })
  decision!: ApplicationDecision | null;

  @Field(() => String, { nullable: true, description: 'application.decided: the deciding agency’s note (why), when it gave one.' })
  decisionNote!: string | null;
}
