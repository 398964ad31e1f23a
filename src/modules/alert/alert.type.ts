import type { Decimal } from 'decimal.js';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Agency, AlertOutcome, AlertStatus } from '../../shared/enums.js';
import { CountedConnection } from '../../shared/connection.type.js';
import { DateTimeScalar, DecimalScalar } from '../../shared/scalars.js';

/** A target agency the alert reached, and how. */
@ObjectType()
export class AlertDelivery {
  @Field(() => Agency)
  agency!: Agency;

  @Field(() => String, { description: 'WEBHOOK (answered 2xx) or SUBSCRIPTION (sent to a subscriber).' })
  channel!: string;

  @Field(() => DateTimeScalar)
  deliveredAt!: Date;
}

/** A high-cost alert (预警) and where its handling stands. */
@ObjectType({ description: 'A high-cost alert (domain.md §5.3): who, which rule, what amount, and where its handling stands.' })
export class Alert {
  @Field(() => ID)
  id!: string;

  personId!: string;

  @Field(() => String, { description: 'The monitoring rule, e.g. gansu-2023/rural-low-income-stay.' })
  rule!: string;

  @Field(() => String)
  ruleSet!: string;

  @Field(() => String)
  citation!: string;

  @Field(() => String, {
    description: 'STAY_OUT_OF_POCKET, STAY_AFTER_INSURANCE, YEAR_OUT_OF_POCKET or YEAR_RESIDUAL (动态清零 person cap crossed).',
  })
  measure!: string;

  @Field(() => DecimalScalar)
  threshold!: Decimal;

  @Field(() => DecimalScalar, { description: 'The measured amount, above the threshold.' })
  amount!: Decimal;

  @Field(() => [Agency])
  targets!: Agency[];

  @Field(() => Int)
  year!: number;

  @Field(() => String, { description: 'YYYY-MM: the monthly push that carries the alert.' })
  month!: string;

  @Field(() => AlertStatus)
  status!: AlertStatus;

  @Field(() => AlertOutcome, { nullable: true })
  outcome!: AlertOutcome | null;

  @Field(() => String, { nullable: true, description: 'The handling agency’s note.' })
  note!: string | null;

  @Field(() => ID, { nullable: true })
  handledByClientId!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  handledAt!: Date | null;

  @Field(() => DateTimeScalar)
  raisedAt!: Date;
}

/** How many alerts of the filter stand at a status. */
@ObjectType()
export class AlertStatusCount {
  @Field(() => AlertStatus)
  status!: AlertStatus;

  @Field(() => Int)
  count!: number;
}

/** A page of alerts, newest first, with the counts of the whole filter by status. */
@ObjectType()
export class AlertConnection extends CountedConnection(Alert) {
  @Field(() => [AlertStatusCount])
  countsByStatus!: AlertStatusCount[];
}

/** What a monthly monitoring run did. */
@ObjectType({ description: 'A monthly monitoring run: how many persons and visits it evaluated and how many alerts it raised.' })
export class MonitoringRun {
  @Field(() => String)
  month!: string;

  @Field(() => Int)
  persons!: number;

  @Field(() => Int)
  visits!: number;

  @Field(() => Int, {
    description: 'Alerts raised by this run; alerts raised before (by settlement or an earlier run) are not raised again.',
  })
  raised!: number;
}
