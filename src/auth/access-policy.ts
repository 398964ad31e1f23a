import type { Agency, AssistanceCategory, Purpose } from '../generated/prisma/enums.js';

/**
 * The hub's access policy (access-policy.md) as data, in one place. Every
 * check — the per-agency schema views, masking, row filters, purposes and
 * writes — reads it from here, and `docs/access-matrix.md` is generated from
 * it. Anything not granted here is denied.
 */

/** How an agency sees a field: the value, or its masked form. A field not granted is absent. */
export type FieldAccess = 'full' | 'masked';

type Grants = Partial<Record<Agency, FieldAccess>>;

const grant = (agencies: readonly Agency[], access: FieldAccess = 'full'): Grants =>
  Object.fromEntries(agencies.map((agency) => [agency, access]));
const merge = (...grants: Grants[]): Grants => Object.assign({}, ...grants);

// The groups of access-policy.md §1, named once.
const AGENCIES_ALL: readonly Agency[] = [
  'MEDICAL_INSURANCE',
  'CIVIL_AFFAIRS',
  'RURAL_REVITALIZATION',
  'HEALTH',
  'CHARITY',
  'INSURER',
  'AUDITOR',
  'FINANCE',
  'ANALYST',
  'HUB_ADMIN',
];
const CASEWORK: readonly Agency[] = ['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'];
const IDENTIFIERS = merge(grant([...CASEWORK, 'HEALTH']), grant(['CHARITY', 'INSURER', 'AUDITOR'], 'masked'));
const PERSON_READERS = grant([...CASEWORK, 'HEALTH', 'CHARITY', 'INSURER', 'AUDITOR']);
const STATUS_READERS = grant([...CASEWORK, 'HEALTH', 'CHARITY', 'INSURER']);
const STATUS_DETAIL = grant([...CASEWORK, 'HEALTH']);
const ENROLLMENT_READERS = grant([...CASEWORK, 'INSURER']);
const BENEFIT_READERS = grant([...CASEWORK, 'HEALTH', 'INSURER']);
const BENEFIT_AMOUNTS = grant([...CASEWORK, 'INSURER']);
const BURDEN_READERS = grant([...CASEWORK, 'CHARITY', 'INSURER']);
const ALERT_READERS = grant(CASEWORK);
// Who receives pushes: alerts (civil affairs, rural revitalization) and the exchange's events (medical insurance, civil affairs).
const PUSH_RECEIVERS: readonly Agency[] = CASEWORK;
const STATISTICS_READERS = grant([...CASEWORK, 'FINANCE', 'ANALYST']);
// The list of persons over the 动态清零 caps (jiaxing-2023 二(二)12): the agencies that settle and that arrange the fund's cover.
const RESIDUAL_LIST_READERS: readonly Agency[] = ['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS'];

const fields = (type: string, names: readonly string[], grants: Grants) =>
  Object.fromEntries(names.map((name) => [`${type}.${name}`, grants]));

/**
 * Field coordinate → agency → access. Connection and page-info fields carry no
 * personal data and follow the field that leads to them (see STRUCTURAL_TYPES).
 */
export const FIELD_POLICY: Readonly<Record<string, Grants>> = {
  ...fields('Query', ['viewer'], grant(AGENCIES_ALL)),
  ...fields('Viewer', ['clientId', 'agency', 'jurisdiction', 'purposes'], grant(AGENCIES_ALL)),
  'Query.person': PERSON_READERS,
  'Query.persons': PERSON_READERS,
  'Query.household': grant(CASEWORK),
  ...fields('Query', ['auditLog', 'accessHistory'], grant(['AUDITOR'])),
  // Writes (access-policy.md §4): a mutation is a field like any other, absent from the views of agencies that may not write it.
  ...fields('Mutation', ['createCharityReferral', 'endCharityReferral'], grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS'])),
  ...fields('Mutation', ['createInsurerConsent', 'endInsurerConsent'], grant(['MEDICAL_INSURANCE'])),
  ...fields('Mutation', ['settleClaim', 'reverseClaim', 'recordEnrollment', 'setRegionConfig'], grant(['MEDICAL_INSURANCE'])),
  'Query.quoteSettlement': grant(['MEDICAL_INSURANCE']),
  // The exchange (issue #11): each agency writes what it owns, within its rows.
  ...fields('Mutation', ['registerPerson', 'updatePerson', 'movePerson'], grant(['MEDICAL_INSURANCE'])),
  // Which categories each may certify is CERTIFYING_AGENCY, checked by the service (FORBIDDEN).
  ...fields('Mutation', ['certifyStatus', 'amendStatus', 'revokeStatus'], grant(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'])),
  'Person.changes': grant(CASEWORK),
  // Partners pay after the three layers, to the persons in their rows (referred, consenting).
  'Mutation.recordCharityAid': grant(['CHARITY']),
  'Mutation.recordCommercialClaim': grant(['INSURER']),
  'Query.referrals': grant(['CHARITY']),
  'Query.consents': grant(['INSURER']),
  // The check by ID number: holds, valid from/to, nothing else (access-policy.md §1).
  'Query.certification': grant([...CASEWORK, 'CHARITY', 'INSURER']),
  // Charity aid and commercial claims of a person: casework all, a partner its own (OWN_PAYMENTS_ONLY).
  'Person.charityAid': grant([...CASEWORK, 'CHARITY']),
  // Applications (依申请): medical insurance or civil affairs submits, the category's certifying agency decides.
  'Mutation.submitApplication': grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS']),
  'Mutation.decideApplication': grant(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION']),
  'Query.applications': grant(CASEWORK),
  'Person.applications': grant(CASEWORK),
  'Person.commercialClaims': grant([...CASEWORK, 'INSURER']),
  'Mutation.runMonitoring': grant(['MEDICAL_INSURANCE']),
  // Alerts (domain.md §5.3): the raiser and the target agencies; only targets move them (ALERT_REACH).
  ...fields('Query', ['alerts'], ALERT_READERS),
  'Person.alerts': ALERT_READERS,
  ...fields('Mutation', ['reviewAlert', 'closeAlert'], grant(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'])),
  // Pushes: the target agencies subscribe or register webhooks; what reaches them is cut like a query.
  'Subscription.alertRaised': grant(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION']),
  // The exchange's events reach medical insurance (certifications) and the submitters of applications.
  'Subscription.exchangeEvent': grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS']),
  // Medical insurance too: it receives the exchange's certification events (issue #11).
  ...fields('Mutation', ['registerWebhook', 'removeWebhook', 'replayWebhookDelivery'], grant(PUSH_RECEIVERS)),
  'Query.webhookDeliveries': grant(PUSH_RECEIVERS),
  // Aggregates (access-policy.md §1): casework within their rows, FINANCE and ANALYST with cells under 10 persons hidden.
  'Query.statistics': STATISTICS_READERS,
  // The fund's inflows are finance's own writes (domain.md §6).
  'Mutation.recordFundInflow': grant(['FINANCE']),
  // Policy parameters are no personal data: every agency that works with the policy may read them.
  'Query.regionConfig': grant([...CASEWORK, 'FINANCE', 'ANALYST', 'AUDITOR']),
  ...fields('Person', ['id', 'regionCode', 'residence'], PERSON_READERS),
  ...fields('Person', ['idNumber', 'name'], IDENTIFIERS),
  'Person.phone': grant(CASEWORK),
  ...fields('Person', ['gender', 'birthDate'], grant([...CASEWORK, 'HEALTH', 'INSURER'])),
  'Person.household': grant(CASEWORK),
  // 动态清零 (jiaxing-2023 二(二)12) is casework: who covers what remains to a household.
  'Person.residual': grant(CASEWORK),
  ...fields('Household', ['id', 'regionCode', 'members', 'residual'], grant(CASEWORK)),
  // Who is over the 动态清零 cap: medical insurance settles, civil affairs arranges what the city fund covers (issue #14).
  ...fields('Query', ['residualsOverCap', 'householdsOverCap'], grant(RESIDUAL_LIST_READERS)),
  'Person.statuses': STATUS_READERS,
  ...fields('HouseholdStatus', ['category', 'validFrom', 'validTo'], STATUS_READERS),
  ...fields(
    'HouseholdStatus',
    ['id', 'class', 'certifiedBy', 'documentNo', 'transitionUntil', 'retroactive', 'revokedAt', 'revokeReason', 'supersedesId'],
    STATUS_DETAIL,
  ),
  'Person.enrollments': ENROLLMENT_READERS,
  ...fields('Enrollment', ['year', 'scheme', 'status'], ENROLLMENT_READERS),
  ...fields('Enrollment', ['id', 'personalContribution', 'subsidyAmount', 'subsidyCategory', 'ruleSet'], grant(CASEWORK)),
  // What a new certification earned an enrolled person: the subsidy's history, for the agencies that read the subsidy.
  'Enrollment.subsidyDecisions': grant(CASEWORK),
  ...fields(
    'SubsidyDecision',
    ['id', 'certificationId', 'decidedOn', 'previousAmount', 'amount', 'difference', 'category', 'ruleSet', 'createdAt'],
    grant(CASEWORK),
  ),
  // Explanations are medical insurance's, as for settlements.
  'SubsidyDecision.explanation': grant(['MEDICAL_INSURANCE']),
  'Person.benefits': BENEFIT_READERS,
  // `kind` with the visit itself: whoever sees visits must tell a reversal from a second visit.
  ...fields('BenefitRecord', ['id', 'serviceDate', 'visitType', 'kind'], BENEFIT_READERS),
  'BenefitRecord.diagnosis': grant(['MEDICAL_INSURANCE', 'HEALTH']),
  'BenefitRecord.explanation': grant(['MEDICAL_INSURANCE']),
  ...fields(
    'BenefitRecord',
    [
      'claimId',
      'referral',
      'inProvince',
      'totalCost',
      'inPolicyCost',
      'basicPaid',
      'criticalPaid',
      'otherPaid',
      'assistancePaid',
      'tiltPaid',
      'outOfPocket',
      'ruleSet',
      'category',
      'providerBorne',
      'reason',
      'supplementsId',
      'certificationId',
    ],
    BENEFIT_AMOUNTS,
  ),
  'Person.burden': BURDEN_READERS,
  // Filters are reads too: filtering by category would reveal statuses to an agency that may not see them.
  'PersonFilter.regionPrefix': PERSON_READERS,
  ...fields('PersonFilter', ['category', 'activeOn'], STATUS_READERS),
  ...fields(
    'Burden',
    [
      'year',
      'visits',
      'totalCost',
      'basicPaid',
      'criticalPaid',
      'otherPaid',
      'assistancePaid',
      'tiltPaid',
      'outOfPocket',
      'charityPaid',
      'commercialPaid',
      'remaining',
    ],
    BURDEN_READERS,
  ),
};

/** Types granted whole, every field alike: the audit log is the auditors' alone. */
export const TYPE_POLICY: Readonly<Record<string, Grants>> = {
  // Writers of referrals and consents see what they wrote; a charity its referrals, an insurer its consents.
  SharingGrant: grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'CHARITY', 'INSURER']),
  SharingGrantConnection: grant(['CHARITY', 'INSURER']),
  SharingGrantEdge: grant(['CHARITY', 'INSURER']),
  CharityAidInput: grant(['CHARITY']),
  CommercialClaimInput: grant(['INSURER']),
  CharityAid: grant([...CASEWORK, 'CHARITY']),
  CommercialClaim: grant([...CASEWORK, 'INSURER']),
  CertificationCheck: grant([...CASEWORK, 'CHARITY', 'INSURER']),
  ...Object.fromEntries(
    ['AssistanceApplication', 'AssistanceApplicationConnection', 'AssistanceApplicationEdge'].map((type) => [type, grant(CASEWORK)]),
  ),
  ApplicationInput: grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS']),
  SharingGrantInput: grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS']),
  AuditEntry: grant(['AUDITOR']),
  AccessEvent: grant(['AUDITOR']),
  AuditFilter: grant(['AUDITOR']),
  // An explanation cites the rule that paid, and a special rule (jiaxing's children) names the diagnosis group.
  ExplanationStep: grant(['MEDICAL_INSURANCE']),
  ...Object.fromEntries(
    ['Alert', 'AlertDelivery', 'AlertConnection', 'AlertEdge', 'AlertStatusCount', 'AlertFilter'].map((type) => [type, ALERT_READERS]),
  ),
  MonitoringRun: grant(['MEDICAL_INSURANCE']),
  ExchangeEvent: grant(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS']),
  ...Object.fromEntries(['PersonResidual', 'HouseholdResidual', 'ResidualStep'].map((type) => [type, grant(CASEWORK)])),
  ...Object.fromEntries(
    ['ResidualOverCapConnection', 'ResidualOverCapEdge', 'HouseholdResidualOverCapConnection', 'HouseholdResidualOverCapEdge'].map(
      (type) => [type, grant(RESIDUAL_LIST_READERS)],
    ),
  ),
  PersonChange: grant(CASEWORK),
  ...Object.fromEntries(['PersonInput', 'PersonUpdateInput'].map((type) => [type, grant(['MEDICAL_INSURANCE'])])),
  CertificationInput: grant(['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION']),
  ...Object.fromEntries(['FundInflow', 'FundInflowInput'].map((type) => [type, grant(['FINANCE'])])),
  ...Object.fromEntries(
    ['StatisticsInput', 'StatisticsTable', 'StatisticsCell', 'StatisticsTarget'].map((type) => [type, STATISTICS_READERS]),
  ),
  ...Object.fromEntries(['Webhook', 'WebhookRegistration', 'WebhookDeliveryRecord'].map((type) => [type, grant(PUSH_RECEIVERS)])),
  ...Object.fromEntries(
    [
      'VisitInput',
      'ClaimInput',
      'SettlementQuote',
      'AlertPreview',
      'EnrollmentInput',
      'RegionConfigInput',
      'CategoryAmountInput',
      'CategoryRatioInput',
      'OutpatientRatioInput',
      'TiltInput',
    ].map((type) => [type, grant(['MEDICAL_INSURANCE'])]),
  ),
  ...Object.fromEntries(
    ['RegionConfig', 'CategoryAmount', 'CategoryRatio', 'OutpatientRatio', 'TiltParameters'].map((type) => [
      type,
      grant([...CASEWORK, 'FINANCE', 'ANALYST', 'AUDITOR']),
    ]),
  ),
};

/**
 * Fields that only some purposes justify (access-policy.md §3): settling is
 * SETTLEMENT's work, a subsidy decision serves settlement or eligibility,
 * alerts serve the follow-up. A field not listed here accepts any of the
 * client's purposes.
 */
export const FIELD_PURPOSES: Readonly<Record<string, readonly Purpose[]>> = {
  'Query.quoteSettlement': ['SETTLEMENT'],
  'Mutation.settleClaim': ['SETTLEMENT'],
  'Mutation.reverseClaim': ['SETTLEMENT'],
  'Mutation.recordEnrollment': ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY'],
  // Registration serves enrollment and eligibility; certifying is eligibility work.
  ...Object.fromEntries(
    ['registerPerson', 'updatePerson', 'movePerson'].map((f) => [`Mutation.${f}`, ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY'] as const]),
  ),
  ...Object.fromEntries(
    ['certifyStatus', 'amendStatus', 'revokeStatus'].map((f) => [`Mutation.${f}`, ['ASSISTANCE_ELIGIBILITY'] as const]),
  ),
  'Mutation.recordCharityAid': ['CHARITY_AID'],
  'Mutation.submitApplication': ['ASSISTANCE_ELIGIBILITY'],
  'Mutation.decideApplication': ['ASSISTANCE_ELIGIBILITY'],
  'Mutation.recordCommercialClaim': ['CLAIM_COORDINATION'],
  'Mutation.recordFundInflow': ['FUND_SUPERVISION'],
  'Query.alerts': ['MONITORING_FOLLOW_UP'],
  // The over-cap list serves deciding the fund's cover and following the persons up, not settling a claim.
  ...Object.fromEntries(
    ['Query.residualsOverCap', 'Query.householdsOverCap'].map((c) => [c, ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'] as const]),
  ),
  'Person.alerts': ['MONITORING_FOLLOW_UP'],
  'Mutation.reviewAlert': ['MONITORING_FOLLOW_UP'],
  'Mutation.closeAlert': ['MONITORING_FOLLOW_UP'],
  'Mutation.runMonitoring': ['MONITORING_FOLLOW_UP'],
  'Subscription.alertRaised': ['MONITORING_FOLLOW_UP'],
  'Subscription.exchangeEvent': ['ASSISTANCE_ELIGIBILITY'],
  // Alerts serve the follow-up; certification events and decisions, eligibility.
  ...Object.fromEntries(
    ['Query.webhookDeliveries', 'Mutation.registerWebhook', 'Mutation.removeWebhook', 'Mutation.replayWebhookDelivery'].map((c) => [
      c,
      ['MONITORING_FOLLOW_UP', 'ASSISTANCE_ELIGIBILITY'] as const,
    ]),
  ),
};

/** Types that only shape lists: visible wherever the field leading to them is. */
export const STRUCTURAL_TYPES: readonly string[] = [
  'PersonConnection',
  'PersonEdge',
  'BenefitConnection',
  'BenefitEdge',
  'AuditEntryConnection',
  'AuditEntryEdge',
  'AccessEventConnection',
  'AccessEventEdge',
  'PageInfo',
];

/** How an agency's rows of persons are cut (access-policy.md §2). */
export type RowScope = 'JURISDICTION' | 'JURISDICTION_RURAL' | 'JURISDICTION_MONITORED' | 'REFERRED' | 'CONSENTED' | 'NONE';

export const ROW_SCOPE: Readonly<Record<Agency, RowScope>> = {
  MEDICAL_INSURANCE: 'JURISDICTION',
  CIVIL_AFFAIRS: 'JURISDICTION',
  FINANCE: 'JURISDICTION',
  ANALYST: 'JURISDICTION',
  AUDITOR: 'JURISDICTION',
  RURAL_REVITALIZATION: 'JURISDICTION_RURAL',
  HEALTH: 'JURISDICTION_MONITORED',
  CHARITY: 'REFERRED',
  INSURER: 'CONSENTED',
  HUB_ADMIN: 'NONE',
};

/**
 * Which high-cost alerts an agency sees, within its rows (domain.md §5.3):
 * medical insurance raises them all; civil affairs and rural revitalization
 * see those pushed to them, and they alone move them (review, outcome).
 */
export const ALERT_REACH: Readonly<Partial<Record<Agency, 'RAISED' | 'TARGETED'>>> = {
  MEDICAL_INSURANCE: 'RAISED',
  CIVIL_AFFAIRS: 'TARGETED',
  RURAL_REVITALIZATION: 'TARGETED',
};

/**
 * Who certifies each category (access-policy.md §4, domain.md §3): only that
 * agency may certify, amend or revoke it.
 */
export const CERTIFYING_AGENCY: Readonly<Record<AssistanceCategory, Agency>> = {
  EXTREME_POVERTY: 'CIVIL_AFFAIRS',
  ORPHAN: 'CIVIL_AFFAIRS',
  MINIMUM_LIVING: 'CIVIL_AFFAIRS',
  LOW_INCOME_MARGINAL: 'CIVIL_AFFAIRS',
  ILLNESS_POVERTY: 'CIVIL_AFFAIRS',
  DISTRESSED_CHILD: 'CIVIL_AFFAIRS',
  OTHER_SPECIAL: 'CIVIL_AFFAIRS',
  RETURNED_TO_POVERTY: 'RURAL_REVITALIZATION',
  AT_RISK_MONITORED: 'RURAL_REVITALIZATION',
  LIFTED_OUT_OF_POVERTY: 'RURAL_REVITALIZATION',
};

/** The agency an application is forwarded to (分办转办): the one that certifies its category. */
export const APPLICATION_DECIDER: Readonly<Record<AssistanceCategory, Agency>> = CERTIFYING_AGENCY;

/** Agencies that see only their own charity aid or commercial claims of a person (access-policy.md §1: own only). */
export const OWN_PAYMENTS_ONLY: readonly Agency[] = ['CHARITY', 'INSURER'];

/** The categories whose active holders HEALTH follows. */
export const HEALTH_MONITORED_CATEGORIES = ['RETURNED_TO_POVERTY', 'AT_RISK_MONITORED', 'LIFTED_OUT_OF_POVERTY'] as const;

/** The purposes each agency may declare (access-policy.md §3). */
export const AGENCY_PURPOSES: Readonly<Record<Agency, readonly Purpose[]>> = {
  MEDICAL_INSURANCE: ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
  CIVIL_AFFAIRS: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
  RURAL_REVITALIZATION: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
  HEALTH: ['MONITORING_FOLLOW_UP'],
  CHARITY: ['CHARITY_AID'],
  INSURER: ['CLAIM_COORDINATION'],
  FINANCE: ['FUND_SUPERVISION'],
  ANALYST: ['POLICY_EVALUATION'],
  AUDITOR: ['AUDIT'],
  HUB_ADMIN: [],
};

/** The agencies in the order of the policy's tables. */
export const AGENCIES = AGENCIES_ALL;

/** The access of `agency` to a field coordinate `Type.field`; undefined = absent. */
export function fieldAccess(agency: Agency, coordinate: string): FieldAccess | undefined {
  return (FIELD_POLICY[coordinate] ?? TYPE_POLICY[coordinate.slice(0, coordinate.indexOf('.'))])?.[agency];
}
