import { isInputObjectType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAccessMatrix } from '../../src/auth/access-matrix.js';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { buildHubSchema } from '../../src/server/schema.js';
import { createHousehold, day, recordBenefit } from '../support/factory.js';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.js';
import { AGENCY_ORDER, consent, errorCodes, mapLimited, ownPurpose, refer } from './access.fixture.js';

/**
 * access-policy.md §1 transcribed by hand, one row per field coordinate and one
 * symbol per agency in the order of AGENCY_ORDER: F = full, M = masked,
 * - = absent (not in the agency's schema view). Not imported from
 * src/auth/access-policy.ts on purpose: flipping any entry of the policy in
 * the code must make a test below fail.
 */
//                                               MI CA RR HE CH IN AU FI AN HA
const EXPECTED: Readonly<Record<string, string>> = {
  'Query.person': /*                         */ 'F F F F F F F - - -',
  'Query.persons': /*                        */ 'F F F F F F F - - -',
  'Query.household': /*                      */ 'F F F - - - - - - -',
  'Query.residualsOverCap': /*               */ 'F F - - - - - - - -',
  'Query.householdsOverCap': /*              */ 'F F - - - - - - - -',

  'Person.id': /*                            */ 'F F F F F F F - - -',
  'Person.regionCode': /*                    */ 'F F F F F F F - - -',
  'Person.residence': /*                     */ 'F F F F F F F - - -',
  'Person.idNumber': /*                      */ 'F F F F M M M - - -',
  'Person.name': /*                          */ 'F F F F M M M - - -',
  'Person.phone': /*                         */ 'F F F - - - - - - -',
  'Person.gender': /*                        */ 'F F F F - F - - - -',
  'Person.birthDate': /*                     */ 'F F F F - F - - - -',
  'Person.household': /*                     */ 'F F F - - - - - - -',
  'Person.statuses': /*                      */ 'F F F F F F - - - -',
  'Person.enrollments': /*                   */ 'F F F - - F - - - -',
  'Person.benefits': /*                      */ 'F F F F - F - - - -',
  'Person.burden': /*                        */ 'F F F - F F - - - -',
  'Person.alerts': /*                        */ 'F F F - - - - - - -',
  'Person.changes': /*                       */ 'F F F - - - - - - -',
  'Person.applications': /*                  */ 'F F F - - - - - - -',
  // A partner sees its own payments only; the matrix's partners paid all there is, so own = all here.
  'Person.charityAid': /*                    */ 'F F F - F - - - - -',
  'Person.commercialClaims': /*              */ 'F F F - - F - - - -',
  'Person.residual': /*                      */ 'F F F - - - - - - -',

  'Household.id': /*                         */ 'F F F - - - - - - -',
  'Household.regionCode': /*                 */ 'F F F - - - - - - -',
  'Household.members': /*                    */ 'F F F - - - - - - -',
  'Household.residual': /*                   */ 'F F F - - - - - - -',

  // `cat`: CHARITY and INSURER see only category, validFrom and validTo.
  'HouseholdStatus.category': /*             */ 'F F F F F F - - - -',
  'HouseholdStatus.validFrom': /*            */ 'F F F F F F - - - -',
  'HouseholdStatus.validTo': /*              */ 'F F F F F F - - - -',
  'HouseholdStatus.id': /*                   */ 'F F F F - - - - - -',
  'HouseholdStatus.class': /*                */ 'F F F F - - - - - -',
  'HouseholdStatus.certifiedBy': /*          */ 'F F F F - - - - - -',
  'HouseholdStatus.documentNo': /*           */ 'F F F F - - - - - -',
  'HouseholdStatus.transitionUntil': /*      */ 'F F F F - - - - - -',
  'HouseholdStatus.retroactive': /*          */ 'F F F F - - - - - -',
  'HouseholdStatus.revokedAt': /*            */ 'F F F F - - - - - -',
  'HouseholdStatus.revokeReason': /*         */ 'F F F F - - - - - -',
  'HouseholdStatus.supersedesId': /*         */ 'F F F F - - - - - -',

  // INSURER: year, scheme, status only.
  'Enrollment.year': /*                      */ 'F F F - - F - - - -',
  'Enrollment.scheme': /*                    */ 'F F F - - F - - - -',
  'Enrollment.status': /*                    */ 'F F F - - F - - - -',
  'Enrollment.id': /*                        */ 'F F F - - - - - - -',
  'Enrollment.personalContribution': /*      */ 'F F F - - - - - - -',
  'Enrollment.subsidyAmount': /*             */ 'F F F - - - - - - -',
  'Enrollment.subsidyCategory': /*           */ 'F F F - - - - - - -',
  'Enrollment.ruleSet': /*                   */ 'F F F - - - - - - -',
  'Enrollment.subsidyDecisions': /*          */ 'F F F - - - - - - -',

  // HEALTH: dates and visit type only; diagnosis only MEDICAL_INSURANCE and HEALTH.
  'BenefitRecord.id': /*                     */ 'F F F F - F - - - -',
  'BenefitRecord.serviceDate': /*            */ 'F F F F - F - - - -',
  'BenefitRecord.visitType': /*              */ 'F F F F - F - - - -',
  'BenefitRecord.diagnosis': /*              */ 'F - - F - - - - - -',
  'BenefitRecord.claimId': /*                */ 'F F F - - F - - - -',
  'BenefitRecord.referral': /*               */ 'F F F - - F - - - -',
  'BenefitRecord.inProvince': /*             */ 'F F F - - F - - - -',
  'BenefitRecord.totalCost': /*              */ 'F F F - - F - - - -',
  'BenefitRecord.inPolicyCost': /*           */ 'F F F - - F - - - -',
  'BenefitRecord.basicPaid': /*              */ 'F F F - - F - - - -',
  'BenefitRecord.criticalPaid': /*           */ 'F F F - - F - - - -',
  'BenefitRecord.otherPaid': /*              */ 'F F F - - F - - - -',
  'BenefitRecord.assistancePaid': /*         */ 'F F F - - F - - - -',
  'BenefitRecord.tiltPaid': /*               */ 'F F F - - F - - - -',
  'BenefitRecord.outOfPocket': /*            */ 'F F F - - F - - - -',
  'BenefitRecord.ruleSet': /*                */ 'F F F - - F - - - -',
  'BenefitRecord.category': /*               */ 'F F F - - F - - - -',
  'BenefitRecord.kind': /*                   */ 'F F F F - F - - - -',
  'BenefitRecord.providerBorne': /*          */ 'F F F - - F - - - -',
  'BenefitRecord.explanation': /*            */ 'F - - - - - - - - -',
  'BenefitRecord.reason': /*                 */ 'F F F - - F - - - -',
  'BenefitRecord.supplementsId': /*          */ 'F F F - - F - - - -',
  'BenefitRecord.certificationId': /*        */ 'F F F - - F - - - -',

  'Burden.year': /*                          */ 'F F F - F F - - - -',
  'Burden.visits': /*                        */ 'F F F - F F - - - -',
  'Burden.totalCost': /*                     */ 'F F F - F F - - - -',
  'Burden.basicPaid': /*                     */ 'F F F - F F - - - -',
  'Burden.criticalPaid': /*                  */ 'F F F - F F - - - -',
  'Burden.otherPaid': /*                     */ 'F F F - F F - - - -',
  'Burden.assistancePaid': /*                */ 'F F F - F F - - - -',
  'Burden.tiltPaid': /*                      */ 'F F F - F F - - - -',
  'Burden.outOfPocket': /*                   */ 'F F F - F F - - - -',
  'Burden.charityPaid': /*                   */ 'F F F - F F - - - -',
  'Burden.commercialPaid': /*                */ 'F F F - F F - - - -',
  'Burden.remaining': /*                     */ 'F F F - F F - - - -',

  // Filters are reads: filtering by category or activeOn reveals statuses, so they follow Person.statuses.
  'PersonFilter.regionPrefix': /*            */ 'F F F F F F F - - -',
  'PersonFilter.category': /*                */ 'F F F F F F - - - -',
  'PersonFilter.activeOn': /*                */ 'F F F F F F - - - -',
};

type Access = 'F' | 'M' | '-';
const COORDINATES = Object.keys(EXPECTED);
const ORACLE: Agency = 'MEDICAL_INSURANCE';

function expected(agency: Agency, coordinate: string): Access {
  return EXPECTED[coordinate]!.split(' ')[AGENCY_ORDER.indexOf(agency as (typeof AGENCY_ORDER)[number])] as Access;
}

// The masked forms of domain.md §2, computed here independently of src/auth/masking.ts.
const maskIdNumber = (value: string) => `${value.slice(0, 6)}***********${value.slice(-1)}`;
const maskName = (value: string) => {
  const [surname, ...rest] = [...value];
  return surname + '*'.repeat(rest.length);
};
const MASKS: Readonly<Record<string, (value: string) => string>> = { 'Person.idNumber': maskIdNumber, 'Person.name': maskName };

// How a request reaches a field of each type: through person(id: $id).
const ROUTES: Readonly<Record<string, (selection: string) => string>> = {
  Person: (s) => `person(id: $id) { ${s} }`,
  Household: (s) => `person(id: $id) { household { ${s} } }`,
  HouseholdStatus: (s) => `person(id: $id) { statuses { ${s} } }`,
  Enrollment: (s) => `person(id: $id) { enrollments { ${s} } }`,
  BenefitRecord: (s) => `person(id: $id) { benefits(year: 2024) { edges { node { ${s} } } } }`,
  Burden: (s) => `person(id: $id) { burden(year: 2024) { ${s} } }`,
};

// Coordinates whose field needs arguments or a selection: the selection names nothing
// of another coordinate (`__typename`, connection fields), so each probe tests one entry.
const BODIES: Readonly<Record<string, string>> = {
  'Query.person': 'person(id: $id) { __typename }',
  'Query.persons': 'persons { totalCount }',
  'Query.household': 'household(id: $hid) { __typename }',
  'Query.residualsOverCap': 'residualsOverCap(year: 2024) { totalCount }',
  'Query.householdsOverCap': 'householdsOverCap(year: 2024) { totalCount }',
  'Person.household': 'person(id: $id) { household { __typename } }',
  'Person.statuses': 'person(id: $id) { statuses { __typename } }',
  'Person.enrollments': 'person(id: $id) { enrollments { __typename } }',
  'Enrollment.subsidyDecisions': 'person(id: $id) { enrollments { subsidyDecisions { id } } }',
  'Person.benefits': 'person(id: $id) { benefits(year: 2024) { totalCount } }',
  'Person.burden': 'person(id: $id) { burden(year: 2024) { __typename } }',
  'Person.alerts': 'person(id: $id) { alerts { id } }',
  'Person.changes': 'person(id: $id) { changes { field } }',
  'Person.applications': 'person(id: $id) { applications { id } }',
  'Person.charityAid': 'person(id: $id) { charityAid { reference } }',
  'Person.commercialClaims': 'person(id: $id) { commercialClaims { claimReference } }',
  'BenefitRecord.explanation': 'person(id: $id) { benefits(year: 2024) { edges { node { explanation { step } } } } }',
  'Household.members': 'person(id: $id) { household { members { id } } }',
  'Person.residual': 'person(id: $id) { residual(year: 2024) { __typename } }',
  'Household.residual': 'person(id: $id) { household { residual(year: 2024) { __typename } } }',
  'PersonFilter.regionPrefix': 'persons(filter: { regionPrefix: "620702" }) { totalCount }',
  'PersonFilter.category': 'persons(filter: { category: MINIMUM_LIVING }) { totalCount }',
  'PersonFilter.activeOn': 'persons(filter: { activeOn: "2024-06-01" }) { totalCount }',
};

/** The query that reaches `coordinate` and nothing else of the table. */
function probe(coordinate: string): string {
  const [type, field] = coordinate.split('.') as [string, string];
  const body = BODIES[coordinate] ?? ROUTES[type]!(field);
  const variables = [body.includes('$id') ? '$id: ID!' : '', body.includes('$hid') ? '$hid: ID!' : ''].filter(Boolean);
  return `query Probe${variables.length ? `(${variables.join(', ')})` : ''} { ${body} }`;
}

/** Every leaf (scalar) of a JSON value. */
function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

/** The value with every string leaf passed through `mask`. */
function mapStrings(value: unknown, mask: (s: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, mask));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, mask)]));
  }
  return typeof value === 'string' ? mask(value) : value;
}

let hub: TestHub;
let head: { id: string; idNumber: string; name: string; phone: string | null; regionCode: string };
let householdId: string;
const tokens = new Map<Agency, string>();
const clientIds = new Map<Agency, string>();
const oracle = new Map<string, GraphQLResponse<Record<string, unknown>>>();

function ask(agency: Agency, coordinate: string) {
  const query = probe(coordinate);
  const variables: Record<string, unknown> = {};
  if (query.includes('$id')) variables.id = head.id;
  if (query.includes('$hid')) variables.hid = householdId;
  // Alerts serve the follow-up (FIELD_PURPOSES): asked for under that purpose, as a client would.
  // So does the list over the 动态清零 cap.
  const purpose = ['Person.alerts', 'Query.residualsOverCap', 'Query.householdsOverCap'].includes(coordinate)
    ? 'MONITORING_FOLLOW_UP'
    : ownPurpose(agency);
  return hub.requestText(query, variables, { token: tokens.get(agency)!, purpose });
}

beforeAll(async () => {
  hub = await startTestHub();
  // One household of two in 620702, both RURAL and in every agency's rows.
  const family = await createHousehold(hub.db, '620702', 2, 'RURAL');
  householdId = family.household.id;
  const [first, second] = family.members;
  head = await hub.db.person.update({ where: { id: first!.id }, data: { name: '张建国' } });

  // Statuses that give every HouseholdStatus field a value somewhere: an active monitored one (HEALTH's rows),
  // an active MINIMUM_LIVING with a class, a revoked one with a reason.
  await hub.db.householdStatus.create({
    data: {
      personId: head.id,
      category: 'AT_RISK_MONITORED',
      certifiedBy: 'RURAL_REVITALIZATION',
      documentNo: 'RR-2023-0042',
      validFrom: day('2023-01-01'),
      validTo: day('2099-12-31'),
      transitionUntil: day('2100-06-30'),
    },
  });
  const minimumLiving = await hub.db.householdStatus.create({
    data: {
      personId: head.id,
      category: 'MINIMUM_LIVING',
      class: 2,
      certifiedBy: 'CIVIL_AFFAIRS',
      documentNo: 'CA-2022-0107',
      validFrom: day('2022-03-01'),
      retroactive: true,
    },
  });
  await hub.db.householdStatus.create({
    data: {
      personId: head.id,
      category: 'LOW_INCOME_MARGINAL',
      certifiedBy: 'CIVIL_AFFAIRS',
      documentNo: 'CA-2020-0001',
      validFrom: day('2020-01-01'),
      revokedAt: new Date('2022-06-15T08:00:00Z'),
      revokeReason: '收入超过标准',
    },
  });
  // A later version of the revoked one (a correction of its end), so that `supersedesId` has a value; inactive today.
  const revoked = await hub.db.householdStatus.findFirstOrThrow({ where: { documentNo: 'CA-2020-0001' } });
  await hub.db.householdStatus.create({
    data: {
      personId: head.id,
      category: 'LOW_INCOME_MARGINAL',
      certifiedBy: 'CIVIL_AFFAIRS',
      documentNo: 'CA-2020-0001',
      validFrom: day('2020-01-01'),
      validTo: day('2021-12-31'),
      supersedesId: revoked.id,
    },
  });
  await hub.db.personChange.create({ data: { personId: head.id, field: 'phone', before: '13800000000', after: head.phone } });
  await hub.db.householdStatus.create({
    data: { personId: second!.id, category: 'AT_RISK_MONITORED', certifiedBy: 'RURAL_REVITALIZATION', validFrom: day('2023-01-01') },
  });
  const enrollment = await hub.db.enrollment.create({
    data: {
      personId: head.id,
      year: 2024,
      scheme: 'RESIDENT',
      status: 'ENROLLED',
      personalContribution: '400.00',
      subsidyAmount: '310.00',
      subsidyCategory: 'MINIMUM_LIVING',
      ruleSet: 'gansu-2023',
    },
  });
  // The decision a certification earned that enrollment, so that `subsidyDecisions` has a value.
  await hub.db.subsidyDecision.create({
    data: {
      enrollmentId: enrollment.id,
      statusId: minimumLiving.id,
      decidedOn: day('2024-03-01'),
      previousAmount: '250.00',
      amount: '310.00',
      difference: '60.00',
      category: 'MINIMUM_LIVING',
      ruleSet: 'gansu-2023',
      explanation: [],
    },
  });
  const settled = await recordBenefit(hub.db, head.id, 'M-1', '2024-02-01', { total: '1000.10', oop: '100.05' });
  const visit2 = await recordBenefit(hub.db, head.id, 'M-2', '2024-07-01', { total: '2000.20', oop: '200.15' });
  // Supplementary assistance to M-2 on the 低保 certification, so that `supplementsId` and `certificationId` have values.
  await hub.db.benefitRecord.create({
    data: {
      claimId: 'S-M-2',
      personId: head.id,
      serviceDate: visit2.serviceDate,
      year: 2024,
      visitType: visit2.visitType,
      referral: visit2.referral,
      inProvince: true,
      diagnosis: visit2.diagnosis,
      otherPaid: '0.00',
      tiltPaid: '0.00',
      ruleSet: visit2.ruleSet,
      category: 'MINIMUM_LIVING',
      reason: 'supplementary assistance for claim M-2',
      kind: 'SUPPLEMENT',
      totalCost: '0.00',
      inPolicyCost: '0.00',
      basicPaid: '0.00',
      criticalPaid: '0.00',
      assistancePaid: '0.05',
      outOfPocket: '-0.05',
      explanation: [{ step: 'supplement', amount: '0.05', detail: 'test record', citation: 'test' }],
      supplementsId: visit2.id,
      certificationId: minimumLiving.id,
    },
  });
  await hub.db.alert.create({
    data: {
      personId: head.id,
      rule: 'gansu-2023/rural-other-stay',
      ruleSet: 'gansu-2023',
      citation: 'test',
      measure: 'STAY_AFTER_INSURANCE',
      threshold: '12000.00',
      amount: '15000.00',
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
      year: 2024,
      month: '2024-07',
      dedupeKey: 'matrix',
    },
  });
  // A reversal of M-1, so that `reason` has a value to show.
  await recordBenefit(
    hub.db,
    head.id,
    'M-1',
    '2024-02-01',
    { total: '-1000.10', oop: '-100.05' },
    { reverses: settled.id, reason: '重复结算' },
  );

  for (const agency of AGENCY_ORDER) {
    // Eight aliased __type lookups in one introspection request: over the partners' alias limit of 5, so room is made.
    const client = await hub.client(agency, '6207', agency === 'HUB_ADMIN' ? [] : undefined, {
      trustedDocumentsOnly: false,
      aliases: 10,
      // The matrix asks for every coordinate at once; a partner's 4 slots would refuse most of them.
      concurrentRequests: 1_000,
    });
    tokens.set(agency, client.token);
    clientIds.set(agency, client.clientId);
  }
  for (const member of family.members) {
    await refer(hub.db, member.id, clientIds.get('CHARITY')!, clientIds.get(ORACLE)!);
    await consent(hub.db, member.id, clientIds.get('INSURER')!, clientIds.get(ORACLE)!);
  }

  await hub.db.charityAid.create({
    data: { personId: head.id, clientId: clientIds.get('CHARITY')!, amount: '50.00', paidOn: day('2024-03-01'), reference: 'RC-M-1' },
  });
  await hub.db.assistanceApplication.create({
    data: {
      personId: head.id,
      category: 'ILLNESS_POVERTY',
      periodFrom: day('2024-01-01'),
      submittedBy: 'MEDICAL_INSURANCE',
      submittedByClientId: clientIds.get(ORACLE)!,
      decidingAgency: 'CIVIL_AFFAIRS',
    },
  });
  await hub.db.commercialClaim.create({
    data: { personId: head.id, clientId: clientIds.get('INSURER')!, amount: '20.00', paidOn: day('2024-03-02'), claimReference: 'IN-M-1' },
  });

  const answers = await mapLimited(COORDINATES, 8, (coordinate) => ask(ORACLE, coordinate));
  COORDINATES.forEach((coordinate, i) => oracle.set(coordinate, answers[i]!));
});

afterAll(() => hub?.close());

/** The cells of a Markdown table row. */
function cellsOf(line: string): string[] {
  const cells = line.split('|').slice(1, -1);
  return cells.map((cell) => cell.trim());
}

/** What is wrong with `agency`'s answer for `coordinate`; null when it is as the table says. */
function mismatch(agency: Agency, coordinate: string, answer: GraphQLResponse<Record<string, unknown>>): string | null {
  const want = expected(agency, coordinate);
  const truth = oracle.get(coordinate)!.data;
  const got = JSON.stringify({ data: answer.data, errors: answer.errors?.map((e) => [e.extensions?.code, e.message]) });
  const fail = (what: string) => `${agency} ${coordinate}: expected ${what}, got ${got}`;
  if (want === '-') {
    return errorCodes(answer).includes('GRAPHQL_VALIDATION_FAILED') && answer.data == null ? null : fail('absent (validation failure)');
  }
  if (answer.errors?.length) return fail(want === 'F' ? 'full' : 'masked');
  if (want === 'F') {
    const same = JSON.stringify(answer.data) === JSON.stringify(truth);
    return same && leaves(answer.data).some((v) => v !== null) ? null : fail(`full, as the oracle: ${JSON.stringify(truth)}`);
  }
  const masked = mapStrings(truth, MASKS[coordinate]!);
  const ok = JSON.stringify(answer.data) === JSON.stringify(masked) && JSON.stringify(answer.data) !== JSON.stringify(truth);
  return ok ? null : fail(`masked: ${JSON.stringify(masked)}`);
}

describe('the field matrix of access-policy.md §1, over real HTTP', () => {
  it('has one row for every field coordinate of the persons part of the schema, so that no new field slips past', async () => {
    const schema = await buildHubSchema();
    const coordinates = ['Query.person', 'Query.persons', 'Query.household', 'Query.residualsOverCap', 'Query.householdsOverCap'];
    for (const name of ['Person', 'Household', 'HouseholdStatus', 'Enrollment', 'BenefitRecord', 'Burden', 'PersonFilter']) {
      const type = schema.getType(name);
      expect(isObjectType(type) || isInputObjectType(type), name).toBe(true);
      if (isObjectType(type) || isInputObjectType(type)) {
        coordinates.push(...Object.keys(type.getFields()).map((field) => `${name}.${field}`));
      }
    }
    expect(COORDINATES.slice().sort()).toEqual(coordinates.sort());
    for (const row of Object.values(EXPECTED)) expect(row).toMatch(/^[FM-]( [FM-]){9}$/);
  });

  it('publishes, in the generated access matrix for people, exactly the table, even where a request could not tell', async () => {
    // A grant no request can reach (Query.household for HEALTH, whose view has no Household field) changes no answer;
    // the matrix rendered from the policy data still shows it.
    const symbol = { full: 'F', masked: 'M', '—': '-' } as Record<string, string>;
    const rows = renderAccessMatrix(await buildHubSchema())
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .map(cellsOf);
    const header = rows.find((cells) => cells[0] === 'field')!;
    const columns = AGENCY_ORDER.map((agency) => header.indexOf(agency));
    expect(columns).not.toContain(-1);
    const published: Record<string, string> = {};
    for (const cells of rows) {
      if (COORDINATES.includes(cells[0]!)) published[cells[0]!] = columns.map((i) => symbol[cells[i]!] ?? cells[i]).join(' ');
    }
    expect(published).toEqual(EXPECTED);
  });

  it('lets the oracle (MEDICAL_INSURANCE) read every coordinate in full, with a value, as stored', async () => {
    for (const coordinate of COORDINATES) {
      const answer = oracle.get(coordinate)!;
      expect(answer.errors, coordinate).toBeUndefined();
      const hasValue = leaves(answer.data).some((v) => v !== null);
      expect(hasValue, coordinate).toBe(true);
    }
    // Checked against the database, so that a masked oracle would not pass for the truth.
    expect(oracle.get('Person.idNumber')!.data).toEqual({ person: { idNumber: head.idNumber } });
    expect(oracle.get('Person.name')!.data).toEqual({ person: { name: '张建国' } });
    expect(oracle.get('Person.phone')!.data).toEqual({ person: { phone: head.phone } });
    expect(oracle.get('Query.persons')!.data).toEqual({ persons: { totalCount: 2 } });
    expect(oracle.get('PersonFilter.category')!.data).toEqual({ persons: { totalCount: 1 } });
    expect(oracle.get('Burden.visits')!.data).toEqual({ person: { burden: { visits: 1 } } });
  });

  it.each(AGENCY_ORDER)('gives %s every field coordinate in full, masked or not at all, exactly as the table says', async (agency) => {
    const answers = await mapLimited(COORDINATES, 8, (coordinate) => ask(agency, coordinate));
    const wrong = COORDINATES.map((coordinate, i) => mismatch(agency, coordinate, answers[i]!)).filter((m) => m !== null);
    expect(wrong).toEqual([]);
  });

  it.each(AGENCY_ORDER)('shows %s, by introspection, exactly the fields the table grants it and no other', async (agency) => {
    const types = ['Person', 'Household', 'HouseholdStatus', 'Enrollment', 'BenefitRecord', 'Burden'];
    const query = `{ ${types.map((t) => `${t}: __type(name: "${t}") { fields { name } }`).join(' ')}
      PersonFilter: __type(name: "PersonFilter") { inputFields { name } }
      Query: __type(name: "Query") { fields { name } } }`;
    const { data, errors } = await hub.requestText(query, {}, { token: tokens.get(agency)!, purpose: null });
    expect(errors).toBeUndefined();
    const seen = data as Record<string, { fields?: { name: string }[]; inputFields?: { name: string }[] } | null>;
    for (const type of [...types, 'PersonFilter', 'Query']) {
      const granted = COORDINATES.filter((c) => c.startsWith(`${type}.`) && expected(agency, c) !== '-').map((c) => c.split('.')[1]!);
      const listed = (seen[type]?.fields ?? seen[type]?.inputFields ?? []).map((f) => f.name);
      const shown =
        type === 'Query'
          ? listed.filter((name) => ['person', 'persons', 'household', 'residualsOverCap', 'householdsOverCap'].includes(name))
          : listed;
      expect(shown.sort(), `${agency} ${type}`).toEqual(granted.sort());
      if (type !== 'Query' && granted.length === 0) expect(seen[type], `${agency} ${type}`).toBeNull();
    }
  });

  it('lists for CHARITY exactly the Person fields it is granted: id, identifiers (masked), residence, region, statuses, burden and its aid', async () => {
    const { data, errors } = await hub.requestText('{ __type(name: "Person") { fields { name } } }', {}, { token: tokens.get('CHARITY')! });
    expect(errors).toBeUndefined();
    const fields = (data!.__type as { fields: { name: string }[] }).fields.map((f) => f.name).sort();
    expect(fields).toEqual(['burden', 'charityAid', 'id', 'idNumber', 'name', 'regionCode', 'residence', 'statuses']);
  });
});
