import type { Decimal } from 'decimal.js';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AssistanceCategory, VisitType } from '../../shared/enums.js';
import { DateScalar, DecimalScalar } from '../../shared/scalars.js';
import { FundLevel } from '../finance/fund-inflow.type.js';
import { StatisticsAlertOutcome, StatisticsDimension, StatisticsMeasure } from './statistics.measures.js';

registerEnumType(StatisticsMeasure, {
  name: 'StatisticsMeasure',
  description: 'What a statistics table counts (domain.md §6); `definition` in the answer says it in full.',
});
registerEnumType(StatisticsDimension, {
  name: 'StatisticsDimension',
  description:
    'REGION: the level directly below `regionPrefix`; OUTCOME: where an alert stands (alerts only); FUND_LEVEL: where an inflow comes from.',
});
registerEnumType(StatisticsAlertOutcome, {
  name: 'StatisticsAlertOutcome',
  description: 'An alert still open, or closed with the outcome its handler chose.',
});

/** What to count, where, when and by what. */
@InputType({ description: 'A statistics request. `by` holds REGION and/or one other dimension: the published groupings are fixed.' })
export class StatisticsInput {
  @Field(() => StatisticsMeasure)
  measure!: StatisticsMeasure;

  @Field(() => Int)
  year!: number;

  @Field(() => String, { description: 'A region prefix within the client’s jurisdiction: "" (country), 2, 4 or 6 digits.' })
  regionPrefix!: string;

  @Field(() => [StatisticsDimension])
  by!: StatisticsDimension[];

  @Field(() => DateScalar, {
    nullable: true,
    description: 'The state of the data on this date, the last day of a month of `year`; default December 31 of `year`.',
  })
  asOf?: Date | null;
}

/** One cell of a table: its coordinates, and its value unless hidden. */
@ObjectType({ description: 'A cell. A suppressed cell has value, persons, numerator and denominator null.' })
export class StatisticsCell {
  @Field(() => String, { nullable: true, description: 'The region node; null when REGION is totalled (see `margin`).' })
  region!: string | null;

  @Field(() => AssistanceCategory, { nullable: true, description: 'Null when totalled, or for persons in no category.' })
  category!: AssistanceCategory | null;

  @Field(() => Int, { nullable: true })
  month!: number | null;

  @Field(() => VisitType, { nullable: true })
  visitType!: VisitType | null;

  @Field(() => StatisticsAlertOutcome, { nullable: true })
  outcome!: StatisticsAlertOutcome | null;

  @Field(() => FundLevel, { nullable: true })
  fundLevel!: FundLevel | null;

  @Field(() => [StatisticsDimension], { description: 'The dimensions of `by` this cell totals (a margin); empty for an inner cell.' })
  margin!: StatisticsDimension[];

  @Field(() => DecimalScalar, { nullable: true, description: 'Persons, 元, alerts, or a rate in % (two decimals).' })
  value!: Decimal | null;

  @Field(() => Int, { nullable: true, description: 'The distinct persons behind the cell.' })
  persons!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'For a rate: its numerator.' })
  numerator!: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'For a rate: its denominator.' })
  denominator!: Decimal | null;

  @Field(() => Boolean, { nullable: true, description: 'For a rate with a value: whether it meets the target.' })
  meetsTarget!: boolean | null;

  @Field(() => Boolean)
  suppressed!: boolean;
}

/** A policy target (domain.md §6). */
@ObjectType()
export class StatisticsTarget {
  @Field(() => String, { description: 'AT_LEAST or AT_MOST.' })
  comparator!: string;

  @Field(() => DecimalScalar, { description: 'In percent.' })
  percent!: Decimal;

  @Field(() => String)
  citation!: string;
}

/** A published table. */
@ObjectType({ description: 'A statistics table: its cells (inner cells, then margins), the total and the disclosure method.' })
export class StatisticsTable {
  @Field(() => StatisticsMeasure)
  measure!: StatisticsMeasure;

  @Field(() => Int)
  year!: number;

  @Field(() => String)
  regionPrefix!: string;

  @Field(() => DateScalar)
  asOf!: Date;

  @Field(() => [StatisticsDimension])
  by!: StatisticsDimension[];

  @Field(() => String)
  definition!: string;

  @Field(() => String, { nullable: true })
  numeratorDefinition!: string | null;

  @Field(() => String, { nullable: true })
  denominatorDefinition!: string | null;

  @Field(() => StatisticsTarget, { nullable: true })
  target!: StatisticsTarget | null;

  @Field(() => [StatisticsCell])
  cells!: StatisticsCell[];

  @Field(() => StatisticsCell)
  total!: StatisticsCell;

  @Field(() => String, { description: 'How small cells were protected (docs/disclosure-control.md).' })
  method!: string;
}
