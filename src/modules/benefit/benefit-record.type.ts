import type { Decimal } from 'decimal.js';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AssistanceCategory, BenefitKind, Referral, VisitType } from '../../shared/enums.js';
import { ExplanationStep } from '../settlement/explanation.type.js';
import { CountedConnection } from '../../shared/connection.type.js';
import { DateScalar, DecimalScalar } from '../../shared/scalars.js';

/** One settled visit with the payment of each layer (domain.md §5). */
@ObjectType({ description: 'One settled visit (一站式结算) and what each layer paid.' })
export class BenefitRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  claimId!: string;

  @Field(() => DateScalar)
  serviceDate!: Date;

  @Field(() => VisitType)
  visitType!: VisitType;

  @Field(() => Referral, { nullable: true })
  referral!: Referral;

  @Field(() => Boolean, { nullable: true })
  inProvince!: boolean;

  @Field(() => String, { nullable: true, description: 'ICD-10 code of the main diagnosis.' })
  diagnosis!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  totalCost!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  inPolicyCost!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  basicPaid!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  criticalPaid!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  otherPaid!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  assistancePaid!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  tiltPaid!: Decimal;

  @Field(() => DecimalScalar, { nullable: true })
  outOfPocket!: Decimal;

  @Field(() => String, { nullable: true })
  ruleSet!: string | null;

  @Field(() => AssistanceCategory, { nullable: true })
  category!: AssistanceCategory | null;

  @Field(() => BenefitKind, {
    description:
      'SETTLEMENT; REVERSAL: the same claim with every amount negated; SUPPLEMENT: supplementary assistance a certification dated back adds to a settled visit.',
  })
  kind!: BenefitKind;

  @Field(() => DecimalScalar, { nullable: true, description: 'Out-of-catalog cost above the provider’s limit, borne by the provider.' })
  providerBorne!: Decimal;

  @Field(() => [ExplanationStep], { nullable: true, description: 'How the hub computed the amounts, step by step, with citations.' })
  explanation!: ExplanationStep[] | null;

  @Field(() => String, { nullable: true, description: 'Why a reversal or supplement was made.' })
  reason!: string | null;

  @Field(() => ID, { nullable: true, description: 'SUPPLEMENT: the settled visit (BenefitRecord) it adds to.' })
  supplementsId!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'SUPPLEMENT: the certification (HouseholdStatus version) that raised the visit’s assistance.',
  })
  certificationId!: string | null;
}

/** A page of a person's benefit records, newest service date first. */
@ObjectType()
export class BenefitConnection extends CountedConnection(BenefitRecord, { name: 'Benefit' }) {}

/** A person's sums for one calendar year. */
@ObjectType({ description: "A person's yearly sums over settled visits (burden)." })
export class Burden {
  @Field(() => Int)
  year!: number;

  @Field(() => Int)
  visits!: number;

  @Field(() => DecimalScalar)
  totalCost!: Decimal;

  @Field(() => DecimalScalar)
  basicPaid!: Decimal;

  @Field(() => DecimalScalar)
  criticalPaid!: Decimal;

  @Field(() => DecimalScalar)
  otherPaid!: Decimal;

  @Field(() => DecimalScalar)
  assistancePaid!: Decimal;

  @Field(() => DecimalScalar)
  tiltPaid!: Decimal;

  @Field(() => DecimalScalar)
  outOfPocket!: Decimal;

  @Field(() => DecimalScalar, { description: 'Aid paid by charities in the year.' })
  charityPaid!: Decimal;

  @Field(() => DecimalScalar, { description: 'Claims paid by commercial insurers in the year.' })
  commercialPaid!: Decimal;

  @Field(() => DecimalScalar, {
    description: 'What remains to the person after every payer, partners included: outOfPocket − charityPaid − commercialPaid, at least 0.',
  })
  remaining!: Decimal;
}
