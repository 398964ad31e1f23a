import { registerEnumType } from 'type-graphql';
import {
  Agency,
  AssistanceCategory,
  EnrollmentStatus,
  Gender,
  Purpose,
  Referral,
  Residence,
  Scheme,
  VisitType,
} from '../generated/prisma/enums.js';

/**
 * The enums of api-contract.md, one definition shared by the database (Prisma)
 * and the GraphQL schema, so the two cannot drift apart.
 */
registerEnumType(Gender, { name: 'Gender' });
registerEnumType(Residence, { name: 'Residence', description: '户籍: rural or urban residence.' });
registerEnumType(AssistanceCategory, {
  name: 'AssistanceCategory',
  description: '救助对象类别: assistance categories, in the order that breaks ties between equal assistance.',
});
registerEnumType(Agency, { name: 'Agency' });
registerEnumType(Purpose, { name: 'Purpose', description: 'What a request reads or writes personal data for (the X-Purpose header).' });
registerEnumType(Scheme, { name: 'Scheme', description: 'Resident (城乡居民) or employee (职工) basic medical insurance.' });
registerEnumType(EnrollmentStatus, { name: 'EnrollmentStatus' });
registerEnumType(VisitType, { name: 'VisitType' });
registerEnumType(Referral, {
  name: 'Referral',
  description: 'LOCAL: designated provider of the insured region; REFERRED: referred per rules within the province.',
});

export { Agency, AssistanceCategory, EnrollmentStatus, Gender, Purpose, Referral, Residence, Scheme, VisitType };
