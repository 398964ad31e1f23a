import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DeliveryStatus } from '../../generated/prisma/enums.js';
import { DateTimeScalar } from '../../shared/scalars.js';

registerEnumType(DeliveryStatus, {
  name: 'DeliveryStatus',
  description: 'PENDING (being tried), DELIVERED (answered 2xx) or DEAD (gave up after the last attempt; replayable).',
});

/** An endpoint of the client that receives its alerts. */
@ObjectType()
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

/** A new webhook with its signing secret, shown this once. */
@ObjectType({ description: 'A registered webhook and its signing secret (HMAC-SHA256), shown only now.' })
export class WebhookRegistration {
  @Field(() => Webhook)
  webhook!: Webhook;

  @Field(() => String)
  secret!: string;
}

/** One alert or exchange event to one webhook. Its id is the delivery id the receiver sees in `X-Hub-Delivery`. */
@ObjectType()
export class WebhookDeliveryRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  webhookId!: string;

  @Field(() => ID, { nullable: true, description: 'The alert delivered; null for an exchange event.' })
  alertId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The exchange event delivered (a certification, a decision); null for an alert.' })
  eventId!: string | null;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;
}

export { DeliveryStatus };
