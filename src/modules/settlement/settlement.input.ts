import type { Decimal } from 'decimal.js';
import { Field, ID, InputType } from 'type-graphql';
import { ProviderFeeClass, Referral, VisitType } from '../../shared/enums.js';
import { DateScalar, DecimalScalar } from '../../shared/scalars.js';

/** One visit after basic and critical-illness insurance: what a quote needs (domain.md §5.2 input). */
@InputType({ description: 'A visit as the provider and the insurers report it, after basic and critical-illness insurance.' })
export class VisitInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => DateScalar)
  serviceDate!: Date;

  @Field(() => VisitType)
  visitType!: VisitType;

  @Field(() => Referral)
  referral!: Referral;

  @Field(() => Boolean)
  inProvince!: boolean;

  @Field(() => String, { nullable: true, description: 'Designated provider code, up to 32 characters.' })
  providerCode?: string | null;

  @Field(() => ProviderFeeClass, { nullable: true, description: 'Needed where the rule set controls out-of-catalog cost by fee class.' })
  providerFeeClass?: ProviderFeeClass | null;

  @Field(() => String, {
    description: 'ICD-10 code of the main diagnosis, e.g. "Q21.1" or, in the national edition, "I63.900x001"; other shapes are refused.',
  })
  diagnosis!: string;

  @Field(() => DecimalScalar)
  totalCost!: Decimal;

  @Field(() => DecimalScalar, { description: 'In-policy (政策范围内) part of the total cost.' })
  inPolicyCost!: Decimal;

  @Field(() => DecimalScalar)
  basicPaid!: Decimal;

  @Field(() => DecimalScalar)
  criticalPaid!: Decimal;

  @Field(() => DecimalScalar, { nullable: true, description: 'Other supplementary insurance (e.g. 嘉兴大病无忧); default 0.' })
  otherPaid?: Decimal | null;
}

/** A visit to settle, named by the claim id that makes settling it exactly-once. */
@InputType({ description: 'A claim to settle: a visit and the claim id that makes settling it exactly-once.' })
export class ClaimInput extends VisitInput {
  @Field(() => String, {
    description:
      'The claim’s id in the settlement system (1–64 of A–Z a–z 0–9 . _ : -), unique within the client’s jurisdiction; a retry with the same id pays nothing twice.',
  })
  claimId!: string;
}
