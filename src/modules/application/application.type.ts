import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ApplicationStatus } from '../../generated/prisma/enums.js';
import { Agency, AssistanceCategory } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar } from '../../shared/scalars.js';
import { Connection } from '../../shared/connection.type.js';

registerEnumType(ApplicationStatus, {
  name: 'ApplicationStatus',
  description: 'SUBMITTED until the deciding agency approves or rejects it.',
});

/** The decision on an application. */
export enum ApplicationDecision {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(ApplicationDecision, { name: 'ApplicationDecision' });

/** An application for assistance (依申请), forwarded to the agency that decides. */
@ObjectType({ description: 'An application for assistance in a category assisted only on application (依申请).' })
export class AssistanceApplication {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => AssistanceCategory)
  category!: AssistanceCategory;

  @Field(() => DateScalar)
  periodFrom!: Date;

  @Field(() => DateScalar, { nullable: true, description: 'Open while null.' })
  periodTo!: Date | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => ApplicationStatus)
  status!: ApplicationStatus;

  @Field(() => Agency)
  submittedBy!: Agency;

  @Field(() => Agency, { description: 'The agency it was forwarded to (分办转办).' })
  decidingAgency!: Agency;

  @Field(() => String, { nullable: true })
  decisionNote!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  decidedAt!: Date | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

/** A page of applications, oldest first. */
@ObjectType()
export class AssistanceApplicationConnection extends Connection(AssistanceApplication) {}
