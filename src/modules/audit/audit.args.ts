import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar } from '../../shared/scalars.js';
import { AuditOutcome } from './audit.type.js';

/** The criteria of `auditLog`. */
@InputType({ description: 'Criteria of `auditLog`; all given criteria must hold.' })
export class AuditFilter {
  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Entries that returned or wrote this person.' })
  personId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Entries at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Entries before this instant.' })
  to?: Date | null;

  @Field(() => AuditOutcome, { nullable: true })
  outcome?: AuditOutcome | null;
}

/** `auditLog(filter, first, after)`. */
@ArgsType()
export class AuditLogArgs {
  @Field(() => AuditFilter, { nullable: true })
  filter?: AuditFilter | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

/** `accessHistory(personId, first, after)`. */
@ArgsType()
export class AccessHistoryArgs {
  @Field(() => ID)
  personId!: string;

  @Field(() => Int, { nullable: true, description: 'Page size, 1–1000 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}
