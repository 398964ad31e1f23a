import { Field, ID, InputType } from 'type-graphql';
import { Gender, Residence } from '../../shared/enums.js';
import { DateScalar } from '../../shared/scalars.js';

/** A person to register (medical insurance). */
@InputType({ description: 'A person to register; the ID number must agree with birthDate, gender and regionCode (GB 11643).' })
export class PersonInput {
  @Field(() => String)
  idNumber!: string;

  @Field(() => String, { description: '1–64 characters.' })
  name!: string;

  @Field(() => Gender)
  gender!: Gender;

  @Field(() => DateScalar)
  birthDate!: Date;

  @Field(() => Residence)
  residence!: Residence;

  @Field(() => String, { description: 'GB/T 2260 county code, within your jurisdiction.' })
  regionCode!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => ID, { nullable: true, description: 'An existing household in your jurisdiction; a new one when omitted.' })
  householdId?: string | null;
}

/** A change of contact and residence; omitted fields stay as they are. */
@InputType({ description: 'Contact and residence to change; each change is kept as history (Person.changes).' })
export class PersonUpdateInput {
  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => Residence, { nullable: true })
  residence?: Residence | null;

  @Field(() => String, { nullable: true, description: 'GB/T 2260 county code, within your jurisdiction.' })
  regionCode?: string | null;
}
