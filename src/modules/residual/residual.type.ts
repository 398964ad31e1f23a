import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CountedConnection } from '../../shared/connection.type.js';
import { DecimalScalar } from '../../shared/scalars.js';
import type { ExplanationStep } from '../policy/policy.types.js';

/** One step of a 动态清零 computation; apart from a settlement's steps, which may name a diagnosis group and are medical insurance's. */
@ObjectType({ description: 'One step of a 动态清零 computation: its amount, how it came about, and the rule.' })
export class ResidualStep implements ExplanationStep {
  @Field(() => String, { description: 'visit, charity, commercial, residual, excess, fundCovers or notApplicable.' })
  step!: string;

  @Field(() => DecimalScalar, { nullable: true })
  amount!: string | null;

  @Field(() => String)
  detail!: string;

  @Field(() => String)
  citation!: string;
}

/** What remains to one person in a year after every layer (jiaxing-2023 二(二)12, 动态清零). */
@ObjectType({
  description: 'What remains to a person in a year after every layer, and the part above the cap the city fund covers (动态清零).',
})
export class PersonResidual {
  @Field(() => ID)
  personId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The rule set whose 动态清零 rule counted the visits; null when none applies (only jiaxing-2023 has one).',
  })
  ruleSet!: string | null;

  @Field(() => Int)
  visitsCounted!: number;

  @Field(() => DecimalScalar, { description: 'Out-of-pocket of the counted visits.' })
  outOfPocket!: string;

  @Field(() => DecimalScalar, { description: 'Commercial insurance and charity paid towards them.' })
  partnerPaid!: string;

  @Field(() => DecimalScalar, { description: 'What remains: out-of-pocket less the partners, at least 0.' })
  residual!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'The person cap; null when no rule applies.' })
  cap!: string | null;

  @Field(() => DecimalScalar, { description: 'The part above the person cap: the city fund covers it.' })
  excess!: string;

  @Field(() => [ResidualStep])
  explanation!: ResidualStep[];
}

/** The household's year under 动态清零: members within the person cap, summed, above the household cap. */
@ObjectType({ description: "A household's year under 动态清零: the members' residuals, the household cap and what the city fund covers." })
export class HouseholdResidual {
  @Field(() => ID)
  householdId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => [PersonResidual], { description: 'The members you may see.' })
  members!: PersonResidual[];

  @Field(() => DecimalScalar, { description: "The members' residuals, each within the person cap, summed." })
  residual!: string;

  @Field(() => DecimalScalar, { nullable: true })
  cap!: string | null;

  @Field(() => DecimalScalar, { description: 'The part above the household cap.' })
  excess!: string;

  @Field(() => DecimalScalar, { description: "What the city fund covers: the members' excess and the household's." })
  fundCovers!: string;

  @Field(() => [ResidualStep])
  explanation!: ResidualStep[];
}

/** A page of the persons over the person cap, in person id order. */
@ObjectType({ description: 'A page of the persons over the person cap in a year, in person id order.' })
export class ResidualOverCapConnection extends CountedConnection(PersonResidual, {
  name: 'ResidualOverCap',
  edgeDescription: 'A person whose residual in the year is above the person cap (动态清零): the city fund covers the excess.',
  totalCountDescription: 'All persons in your rows over the cap in the year, not just this page.',
}) {}

/** One person over the person cap, with the residual that puts them there. */
export const ResidualOverCapEdge = ResidualOverCapConnection.Edge;
/** An edge of {@link ResidualOverCapConnection}. */
export type ResidualOverCapEdge = InstanceType<typeof ResidualOverCapEdge>;

/** A page of the households over the household cap, in household id order. */
@ObjectType({ description: 'A page of the households over the household cap in a year, in household id order.' })
export class HouseholdResidualOverCapConnection extends CountedConnection(HouseholdResidual, {
  name: 'HouseholdResidualOverCap',
  edgeDescription:
    "A household whose residual in the year (its members' residuals, each within the person cap) is above the household cap (动态清零).",
  totalCountDescription: 'All households with members in your rows over the cap in the year, not just this page.',
}) {}

/** One household over the household cap. */
export const HouseholdResidualOverCapEdge = HouseholdResidualOverCapConnection.Edge;
/** An edge of {@link HouseholdResidualOverCapConnection}. */
export type HouseholdResidualOverCapEdge = InstanceType<typeof HouseholdResidualOverCapEdge>;
