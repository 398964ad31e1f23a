import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { AlertOutcome, AlertStatus } from '../../shared/enums.js';

/** Which alerts to list. */
@InputType()
export class AlertFilter {
  @Field(() => AlertStatus, { nullable: true })
  status?: AlertStatus | null;

  @Field(() => String, { nullable: true, description: 'Region-code prefix of the person.' })
  regionPrefix?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM.' })
  month?: string | null;

  @Field(() => String, { nullable: true, description: 'A rule id, e.g. gansu-2023/rural-low-income-stay.' })
  rule?: string | null;
}

/** `alerts(filter, first, after)`. */
@ArgsType()
export class AlertsArgs {
  @Field(() => AlertFilter, { nullable: true })
  filter?: AlertFilter | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

/** `closeAlert(id, outcome, note)`. */
@ArgsType()
export class CloseAlertArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => AlertOutcome)
  outcome!: AlertOutcome;

  @Field(() => String, { description: 'What was done and why, 1–1 000 characters.' })
  note!: string;
}
