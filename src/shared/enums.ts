import { registerEnumType } from 'type-graphql';
import type { ProviderFeeClass as PolicyProviderFeeClass } from '../modules/policy/policy.types.js';
import {
  Agency,
  AlertOutcome,
  AlertStatus,
  AssistanceCategory,
  BenefitKind,
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

registerEnumType(BenefitKind, {
  name: 'BenefitKind',
  description: 'A settlement, the reversal (冲销) that cancels one, or supplementary assistance (补充救助) added to one.',
});
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  description: 'Where a high-cost alert stands: raised → delivered → under review → closed.',
});
registerEnumType(AlertOutcome, { name: 'AlertOutcome', description: 'What the handling agency decided about a high-cost alert.' });

/** Fee-standard class of an in-province provider (shanxi-2022 out-of-catalog cost control). */
export const ProviderFeeClass = {
  PROVINCIAL_CLASS_1: 'PROVINCIAL_CLASS_1',
  PROVINCIAL_CITY_CLASS_2: 'PROVINCIAL_CITY_CLASS_2',
  COUNTY_CLASS_2_3: 'COUNTY_CLASS_2_3',
} as const satisfies Record<PolicyProviderFeeClass, PolicyProviderFeeClass>;
/** One of the fee-standard classes. */
export type ProviderFeeClass = PolicyProviderFeeClass;
registerEnumType(ProviderFeeClass, {
  name: 'ProviderFeeClass',
  description: '省内一类 / 省市级二类 / 县级二类及三类: fee-standard class of the provider, where a rule set needs it.',
});

export {
  AlertOutcome,
  AlertStatus,
  BenefitKind,
  Agency,
  AssistanceCategory,
  EnrollmentStatus,
  Gender,
  Purpose,
  Referral,
  Residence,
  Scheme,
  VisitType,
};
