import { Field, ID, ObjectType } from 'type-graphql';
import { Gender, Residence } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';

/** A person known to the hub. Relations are field resolvers backed by loaders. */
@ObjectType({ description: 'A person: identity, residence, and (through fields) statuses, enrollments and benefits.' })
export class Person {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: '公民身份号码 (GB 11643).' })
  idNumber!: string;

  @Field(() => String, { nullable: true })
  name!: string;

  @Field(() => Gender, { nullable: true })
  gender!: Gender;

  @Field(() => DateScalar, { nullable: true })
  birthDate!: Date;

  @Field(() => Residence, { nullable: true })
  residence!: Residence;

  @Field(() => String, { nullable: true, description: 'GB/T 2260 county code of residence.' })
  regionCode!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  householdId!: string | null;
}
