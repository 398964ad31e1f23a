import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicyCase, type SettlementCase, type SubsidyCase } from '../../../src/modules/policy/policy-case.js';
import type { AssistanceCategory, RegionConfig, RuleSetId } from '../../../src/modules/policy/policy.types.js';
import { makeIdNumber } from '../../../src/shared/id-number.js';
import { storeVisit } from '../../support/claims.js';
import { day } from '../../support/factory.js';
import { allCaseFiles } from '../../fixtures/policy-cases.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

/** Where a case's person lives: a county governed by the case's rule set, and the province whose client configures it. */
const REGIONS: Readonly<Record<RuleSetId, { county: string; province: string }>> = {
  'gansu-2023': { county: '620702', province: '62' },
  'jiaxing-2023': { county: '330402', province: '33' },
  'shanxi-2022': { county: '140105', province: '14' },
  'national-2021': { county: '110101', province: '11' },
};

const SET_CONFIG = `mutation SetCaseConfig($input: RegionConfigInput!) { setRegionConfig(input: $input) { id regionCode year } }`;
const SETTLE = `mutation SettleCase($input: ClaimInput!) {
  settleClaim(input: $input) { id claimId ruleSet category assistancePaid tiltPaid outOfPocket }
}`;
const ENROLL = `mutation EnrollCase($input: EnrollmentInput!) {
  recordEnrollment(input: $input) { id year scheme subsidyAmount subsidyCategory ruleSet }
}`;

interface Expected {
  category?: AssistanceCategory | null;
  assistance?: string;
  tilt?: string;
  outOfPocket?: string;
  alert?: boolean;
  subsidy?: string;
  error?: 'PARAMETER_NOT_SET';
}

interface CaseFile {
  name: string;
  expect: Expected;
}

let hub: TestHub;
/** A medical-insurance client of each province, which sets its configuration and settles its claims. */
const insurance = new Map<string, { clientId: string; token: string }>();
let sequence = 0;

beforeAll(async () => {
  hub = await startTestHub();
  for (const { province } of Object.values(REGIONS)) insurance.set(province, await hub.client('MEDICAL_INSURANCE', province));
});

afterAll(() => hub.close());

const money = (value: Decimal): string => value.toFixed(2);

/** The case's configuration as `RegionConfigInput`: amounts and ratios as strings, listed by category. */
function configInput(config: RegionConfig, regionCode: string, year: number) {
  const list = (values: Partial<Record<AssistanceCategory, Decimal>> | undefined) =>
    Object.entries(values ?? {}).map(([category, amount]) => ({ category, amount: money(amount) }));
  return {
    regionCode,
    year,
    ...(config.income && { income: money(config.income) }),
    ...(config.monitoringThreshold && { monitoringThreshold: money(config.monitoringThreshold) }),
    thresholds: list(config.thresholds),
    caps: list(config.caps),
    subsidies: list(config.subsidies),
    ratios: Object.entries(config.ratios ?? {}).map(([category, ratio]) => ({ category, ratio: ratio.toString() })),
    outpatientRatios: Object.entries(config.outpatientRatios ?? {}).flatMap(([visitType, byCategory]) =>
      Object.entries(byCategory ?? {}).map(([category, ratio]) => ({ visitType, category, ratio: ratio.toString() })),
    ),
    ...(config.tilt && { tilt: { threshold: money(config.tilt.threshold), ratio: config.tilt.ratio.toString() } }),
    note: 'policy case',
  };
}

/**
 * Stores the case's configuration as the province's version for the year. A case without one stores an empty version:
 * a version states the parameters whole, so this one, the latest, leaves everything unset rather than inheriting the
 * configuration an earlier case of the same province and year set.
 */
async function configure(policyCase: SettlementCase | SubsidyCase, year: number): Promise<void> {
  const { province } = REGIONS[policyCase.ruleSet];
  const result = await hub.requestText(
    SET_CONFIG,
    { input: configInput(policyCase.config, province, year) },
    { token: insurance.get(province)!.token },
  );
  expect(result.errors).toBeUndefined();
}

/**
 * A fictitious person of the case in a county of its rule set, certified in each case category from its `validFrom`
 * when the case states one, else from `activeFrom`, well before the case's date.
 */
async function createPerson(policyCase: SettlementCase | SubsidyCase, activeFrom: string): Promise<string> {
  const { county } = REGIONS[policyCase.ruleSet];
  const { birthDate, residence, categories } = policyCase.person;
  sequence += 1;
  const person = await hub.db.person.create({
    data: {
      idNumber: makeIdNumber(county, birthDate, sequence),
      name: `案例${sequence}`,
      gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE',
      birthDate: day(birthDate),
      residence,
      regionCode: county,
    },
  });
  for (const active of categories) {
    await hub.db.householdStatus.create({
      data: {
        personId: person.id,
        category: active.category,
        class: active.class ?? null,
        certifiedBy: ['RETURNED_TO_POVERTY', 'AT_RISK_MONITORED', 'LIFTED_OUT_OF_POVERTY'].includes(active.category)
          ? 'RURAL_REVITALIZATION'
          : 'CIVIL_AFFAIRS',
        documentNo: `CASE-${policyCase.name}-${active.category}`.slice(0, 64),
        validFrom: day(active.validFrom ?? activeFrom),
        retroactive: active.retroactive ?? false,
      },
    });
  }
  return person.id;
}

/**
 * One earlier settlement of the person in the case's year whose accumulator columns carry the case's `ytd`, the other
 * amounts consistent with them: in-policy = basic + assistance + remainder, total = basic + assistance + out-of-pocket.
 */
async function storeYearToDate(policyCase: SettlementCase, personId: string): Promise<void> {
  const { ytd, serviceDate } = policyCase;
  if ([ytd.assistancePaid, ytd.thresholdUsed, ytd.inPolicyOopAfterThreeTiers, ytd.outOfPocket].every((value) => value.isZero())) return;
  // The remainder after the three layers is in-policy cost the person paid: it cannot exceed what they paid in all.
  expect(ytd.outOfPocket.greaterThanOrEqualTo(ytd.inPolicyOopAfterThreeTiers)).toBe(true);
  const [year, month] = serviceDate.split('-').map(Number) as [number, number];
  const basic = new Decimal('5000.00');
  await storeVisit(
    hub.db,
    personId,
    `ytd-${policyCase.name}`,
    `${year}-${String(month - 1).padStart(2, '0')}-01`,
    {
      totalCost: money(basic.plus(ytd.assistancePaid).plus(ytd.outOfPocket)),
      inPolicyCost: money(basic.plus(ytd.assistancePaid).plus(ytd.inPolicyOopAfterThreeTiers)),
      basicPaid: money(basic),
      assistancePaid: money(ytd.assistancePaid),
      outOfPocket: money(ytd.outOfPocket),
      thresholdApplied: money(ytd.thresholdUsed),
      tiltBase: money(ytd.inPolicyOopAfterThreeTiers),
    },
    { ruleSet: policyCase.ruleSet, category: policyCase.person.categories[0]?.category ?? null },
  );
}

async function runSettlement(policyCase: SettlementCase, expected: Expected): Promise<void> {
  const year = Number(policyCase.serviceDate.slice(0, 4));
  const { province } = REGIONS[policyCase.ruleSet];
  const personId = await createPerson(policyCase, `${year - 1}-01-01`);
  // The hub tracks applications: each category the case says was applied for has an approved one covering the visit.
  for (const held of policyCase.person.categories.filter((c) => c.applicationApproved)) {
    await hub.db.assistanceApplication.create({
      data: {
        personId,
        category: held.category,
        periodFrom: new Date(`${year - 1}-01-01T00:00:00Z`),
        status: 'APPROVED',
        submittedBy: 'CIVIL_AFFAIRS',
        submittedByClientId: insurance.get(REGIONS[policyCase.ruleSet].province)!.clientId,
        decidingAgency: 'CIVIL_AFFAIRS',
        decidedAt: new Date(),
      },
    });
  }
  await configure(policyCase, year);
  await storeYearToDate(policyCase, personId);
  const { visit } = policyCase;
  const claimId = `case-${policyCase.name}`;
  const result = await hub.requestText(
    SETTLE,
    {
      input: {
        claimId,
        personId,
        serviceDate: policyCase.serviceDate,
        visitType: visit.type,
        referral: visit.referral,
        inProvince: visit.inProvince,
        ...(visit.providerFeeClass && { providerFeeClass: visit.providerFeeClass }),
        diagnosis: visit.diagnosis,
        totalCost: money(visit.totalCost),
        inPolicyCost: money(visit.inPolicyCost),
        basicPaid: money(visit.basicPaid),
        criticalPaid: money(visit.criticalPaid),
        otherPaid: money(visit.otherPaid),
      },
    },
    { token: insurance.get(province)!.token, purpose: 'SETTLEMENT' },
  );

  if (expected.error) {
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({
      code: expected.error,
      ruleSet: policyCase.ruleSet,
      category: expect.any(String),
      parameter: expect.any(String),
    });
    const categories: string[] = policyCase.person.categories.map(({ category }) => category);
    expect(categories).toContain(result.errors![0]!.extensions!.category);
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
    return;
  }

  expect(result.errors).toBeUndefined();
  const record = result.data!.settleClaim as { id: string; claimId: string; ruleSet: string; category: string | null } & Record<
    'assistancePaid' | 'tiltPaid' | 'outOfPocket',
    string
  >;
  expect(record).toMatchObject({
    claimId,
    ruleSet: policyCase.ruleSet,
    category: expected.category,
    assistancePaid: expected.assistance,
    tiltPaid: expected.tilt,
    outOfPocket: expected.outOfPocket,
  });
  expect((await hub.db.alert.count({ where: { benefitId: record.id } })) > 0).toBe(expected.alert);
}

async function runSubsidy(policyCase: SubsidyCase, expected: Expected): Promise<void> {
  const { year } = policyCase;
  const { province } = REGIONS[policyCase.ruleSet];
  // Certified well before the benefit year and decided late in it: on that day both the categories and the case's rule set are in force.
  const personId = await createPerson(policyCase, `${year - 2}-01-01`);
  await configure(policyCase, year);
  const response = await hub.requestText(
    ENROLL,
    {
      input: {
        personId,
        year,
        scheme: 'RESIDENT',
        personalContribution: money(policyCase.personalContribution),
        decidedOn: `${year}-12-01`,
      },
    },
    { token: insurance.get(province)!.token, purpose: 'ASSISTANCE_ELIGIBILITY' },
  );
  if (expected.error) {
    expect(response.data ?? null).toBeNull();
    expect(response.errors![0]!.extensions).toMatchObject({ code: expected.error, ruleSet: policyCase.ruleSet, parameter: 'subsidy' });
    expect(await hub.db.enrollment.count({ where: { personId } })).toBe(0);
    return;
  }
  expect(response.errors).toBeUndefined();
  expect(response.data!.recordEnrollment).toMatchObject({
    year,
    scheme: 'RESIDENT',
    ruleSet: policyCase.ruleSet,
    subsidyCategory: expected.category,
    subsidyAmount: expected.subsidy,
  });
}

// Residual cases (kind residual) go through the hub in their own test: they settle a household's claims first.
const isResidual = (file: string): boolean => (JSON.parse(readFileSync(file, 'utf8')) as { kind: string }).kind === 'residual';
const files = allCaseFiles().filter((file) => !isResidual(file));

describe('policy cases through the hub', () => {
  it.each(files.map((file) => [path.basename(file), file]))(
    '%s gives through the hub the outcome its file expects',
    async (_name, file) => {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as CaseFile;
      const policyCase = parsePolicyCase(raw);
      if (policyCase.kind === 'settlement') await runSettlement(policyCase, raw.expect);
      else await runSubsidy(policyCase, raw.expect);
    },
  );
});
