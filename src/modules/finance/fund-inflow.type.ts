import type { Decimal } from 'decimal.js';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FundLevel } from '../../generated/prisma/enums.js';
import { DateTimeScalar, DecimalScalar } from '../../shared/scalars.js';

registerEnumType(FundLevel, { name: 'FundLevel', description: 'The government level an allocation to the assistance fund comes from.' });

export { FundLevel };

/** An allocation to a region's medical-assistance fund. */
@InputType({ description: 'An allocation to a region’s assistance fund (FINANCE). `reference` makes a retry harmless.' })
export class FundInflowInput {
  @Field(() => String, { description: 'The fund’s region: a county code, or a city’s own code (330400) for the city fund.' })
  regionCode!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => Int, { description: '1–12: the month the money reached the fund.' })
  month!: number;

  @Field(() => FundLevel, { nullable: true, description: 'The level the money comes from; omit it with splitCityDistrict.' })
  level?: FundLevel | null;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => String, { nullable: true, description: 'The allocation document (文号).' })
  documentNo?: string | null;

  @Field(() => String, { description: 'The caller’s unique key of this allocation (1–80 characters).' })
  reference!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A district allocation shared 1:1 by the city and the district (jiaxing-2023 二(二)8): two inflows, CITY and COUNTY.',
  })
  splitCityDistrict?: boolean | null;
}

/** A recorded inflow. */
@ObjectType({ description: 'Money allocated to a region’s medical-assistance fund.' })
export class FundInflow {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => Int)
  month!: number;

  @Field(() => FundLevel)
  level!: FundLevel;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => String, { nullable: true })
  documentNo!: string | null;

  @Field(() => String)
  reference!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}
