import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Agency, Purpose } from '../../shared/enums.js';
import { Connection } from '../../shared/connection.type.js';
import { DateTimeScalar } from '../../shared/scalars.js';
import { AuditOutcome } from './audit.chain.js';

registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'How an audited operation ended.',
  valuesConfig: {
    SUCCESS: { description: 'The data was returned or written.' },
    DENIED: { description: 'Refused by the access policy before anything was read.' },
    FAILED: { description: 'The operation failed; a write rolled back.' },
  },
});

// Re-exported so that code using the GraphQL enum also loads its registration.
export { AuditOutcome };

/** One entry of the audit log, hashes included so that an auditor can check the chain. */
@ObjectType({ description: 'One audited operation: who, when, for which purpose, which persons and fields, and how it ended.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Position in the hash chain, from 1.' })
  seq!: string;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => ID, { nullable: true })
  clientId!: string | null;

  @Field(() => String, { nullable: true })
  clientName!: string | null;

  @Field(() => Agency, { nullable: true })
  agency!: Agency | null;

  @Field(() => String, { nullable: true, description: 'The id of the access token used.' })
  jti!: string | null;

  @Field(() => Purpose, { nullable: true })
  purpose!: Purpose | null;

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => String, { nullable: true, description: 'sha256 of the GraphQL document, hex.' })
  documentHash!: string | null;

  @Field(() => [ID], { description: 'The persons returned or written (those in your jurisdiction).' })
  personIds!: string[];

  @Field(() => [String], { description: 'Field coordinates read, like `Person.idNumber`.' })
  fields!: string[];

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The region-code prefix of the client that caused the entry ("" for the whole country).',
  })
  jurisdiction!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A security event: INTROSPECTION, VALIDATION_FAILED, AUTHENTICATION_FAILED, TOKEN_REQUEST_FAILED, SUBSCRIPTION_REFUSED (or a quota); null for an operation.',
  })
  event!: string | null;

  @Field(() => String, { nullable: true, description: 'The address the request came from.' })
  address!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The id of the request that caused the entry (its X-Request-Id, or generated): the hub’s log lines carry it too.',
  })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: 'The id of the HMAC key that hashed this entry (null before the log was keyed).' })
  keyId!: string | null;

  @Field(() => String, { description: 'hash of the previous entry (64 zeros for the first).' })
  prevHash!: string;

  @Field(() => String, {
    description:
      'HMAC-SHA256(key of keyId, prevHash + canonical form of this entry), hex; plain sha256 for entries written before the log was keyed.',
  })
  hash!: string;
}

/** A page of the audit log, newest first. */
@ObjectType()
export class AuditEntryConnection extends Connection(AuditEntry) {}

/** One access to a person's data, as the person's access history shows it. */
@ObjectType({ description: "An operation that returned or wrote a person's data." })
export class AccessEvent {
  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => ID, { nullable: true })
  clientId!: string | null;

  @Field(() => String, { nullable: true })
  clientName!: string | null;

  @Field(() => Agency, { nullable: true })
  agency!: Agency | null;

  @Field(() => Purpose, { nullable: true })
  purpose!: Purpose | null;

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => [String], { description: 'Field coordinates the operation read, like `Person.idNumber`.' })
  fields!: string[];

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;
}

/** A page of a person's access history, newest first. */
@ObjectType()
export class AccessEventConnection extends Connection(AccessEvent) {}
