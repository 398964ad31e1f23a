import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberStatuses, parseResidualCase, type ResidualCase } from '../../../src/modules/policy/policy-case.js';
import type { AssistanceCategory, RegionConfig, RuleSetId } from '../../../src/modules/policy/policy.types.js';
import { makeIdNumber } from '../../../src/shared/id-number.js';
import { allCaseFiles } from '../../fixtures/policy-cases.js';
import { day } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

/** Where a case's household lives: a county governed by the case's rule set, and the province whose client configures it. */
const REGIONS: Readonly<Record<RuleSetId, { county: string; province: string }>> = {
  'gansu-2023': { county: '620702', province: '62' },
  'jiaxing-2023': { county: '330402', province: '33' },
  'shanxi-2022': { county: '140105', province: '14' },
  'national-2021': { county: '110101', province: '11' },
};

const SET_CONFIG = `mutation SetResidualCaseConfig($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }`;
const SETTLE = `mutation SettleResidualCase($input: ClaimInput!) { settleClaim(input: $input) { id outOfPocket } }`;
const HOUSEHOLD = `query HouseholdResidualCase($id: ID!, $year: Int!) {
  household(id: $id) {
    residual(year: $year) { residual excess fundCovers members { personId outOfPocket partnerPaid residual excess } }
  }
}`;

interface Expected {
  persons: { person: string; outOfPocket: string; partnerPaid: string; residual: string; excess: string }[];
  residual: string;
  excess: string;
  fundCovers: string;
}

let hub: TestHub;
const insurance = new Map<string, { clientId: string; token: string }>();
let charity: { clientId: string };
let insurer: { clientId: string };
let sequence = 0;

beforeAll(async () => {
  hub = await startTestHub();
  for (const { province } of Object.values(REGIONS)) insurance.set(province, await hub.client('MEDICAL_INSURANCE', province));
  charity = await hub.client('CHARITY', '33');
  insurer = await hub.client('INSURER', '33');
});

afterAll(() => hub.close());

const money = (value: Decimal): string => value.toFixed(2);

/** The case's configuration as `RegionConfigInput` (the residual cases state income, thresholds, caps and ratios at most). */
function configInput(config: RegionConfig, regionCode: string, year: number) {
  const list = (values: Partial<Record<AssistanceCategory, Decimal>> | undefined) =>
    Object.entries(values ?? {}).map(([category, amount]) => ({ category, amount: money(amount) }));
  return {
    regionCode,
    year,
    ...(config.income && { income: money(config.income) }),
    thresholds: list(config.thresholds),
    caps: list(config.caps),
    ratios: Object.entries(config.ratios ?? {}).map(([category, ratio]) => ({ category, ratio: ratio.toString() })),
    note: 'residual case',
  };
}

/**
 * Runs a residual case through the hub: the household and its certifications stored, the province's configuration
 * set, every claim settled by `settleClaim` in date order, the partners' payments stored, then `Household.residual`.
 */
async function runResidual(policyCase: ResidualCase, expected: Expected): Promise<void> {
  const { county, province } = REGIONS[policyCase.ruleSet];
  const { token } = insurance.get(province)!;
  const configured = await hub.requestText(SET_CONFIG, { input: configInput(policyCase.config, province, policyCase.year) }, { token });
  expect(configured.errors).toBeUndefined();
  const household = await hub.db.household.create({ data: { regionCode: county } });
  const ids = new Map<string, string>();
  // Claim ids are the hub's, unique per jurisdiction: each case prefixes its own.
  const claimOf = (claimId: string) => `${policyCase.name}:${claimId}`.slice(-64);
  for (const who of policyCase.members) {
    sequence += 1;
    const person = await hub.db.person.create({
      data: {
        idNumber: makeIdNumber(county, who.birthDate, sequence),
        name: `户${sequence}`,
        gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE',
        birthDate: day(who.birthDate),
        residence: who.residence,
        regionCode: county,
        householdId: household.id,
      },
    });
    ids.set(who.person, person.id);
    for (const status of memberStatuses(who.categories, policyCase.year)) {
      await hub.db.householdStatus.create({
        data: {
          personId: person.id,
          category: status.category,
          class: status.class,
          certifiedBy: ['RETURNED_TO_POVERTY', 'AT_RISK_MONITORED', 'LIFTED_OUT_OF_POVERTY'].includes(status.category)
            ? 'RURAL_REVITALIZATION'
            : 'CIVIL_AFFAIRS',
          documentNo: `CASE-${sequence}-${status.category}`,
          validFrom: status.validFrom instanceof Date ? status.validFrom : day(status.validFrom),
          retroactive: status.retroactive ?? false,
        },
      });
    }
    for (const held of who.categories.filter((c) => c.applicationApproved)) {
      await hub.db.assistanceApplication.create({
        data: {
          personId: person.id,
          category: held.category,
          periodFrom: day(`${policyCase.year - 1}-01-01`),
          status: 'APPROVED',
          submittedBy: 'CIVIL_AFFAIRS',
          submittedByClientId: insurance.get(province)!.clientId,
          decidingAgency: 'CIVIL_AFFAIRS',
          decidedAt: new Date(),
        },
      });
    }
  }
  const visits = policyCase.members
    .flatMap((who) => who.visits.map((visit) => ({ who, visit })))
    .sort((a, b) => a.visit.serviceDate.localeCompare(b.visit.serviceDate) || a.visit.claimId.localeCompare(b.visit.claimId));
  for (const { who, visit } of visits) {
    const settled = await hub.requestText(
      SETTLE,
      {
        input: {
          claimId: claimOf(visit.claimId),
          personId: ids.get(who.person),
          serviceDate: visit.serviceDate,
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
      { token, purpose: 'SETTLEMENT' },
    );
    expect(settled.errors, `${who.person} ${visit.claimId}`).toBeUndefined();
  }
  for (const who of policyCase.members) {
    for (const [index, paid] of who.payments.entries()) {
      const common = { personId: ids.get(who.person)!, amount: money(paid.amount), paidOn: day(paid.paidOn) };
      const claimId = paid.claimId === null ? null : claimOf(paid.claimId);
      const reference = `${sequence}-${who.person}-${index}`;
      if (paid.kind === 'CHARITY') await hub.db.charityAid.create({ data: { ...common, clientId: charity.clientId, reference, claimId } });
      else {
        await hub.db.commercialClaim.create({
          data: { ...common, clientId: insurer.clientId, claimReference: reference, relatedClaimId: claimId },
        });
      }
    }
  }
  const { data, errors } = await hub.requestText(HOUSEHOLD, { id: household.id, year: policyCase.year }, { token });
  expect(errors).toBeUndefined();
  const residual = (data as { household: { residual: Expected & { members: ({ personId: string } & Record<string, string>)[] } } })
    .household.residual;
  const names = new Map([...ids].map(([name, id]) => [id, name]));
  expect({
    persons: residual.members.map(({ personId, ...amounts }) => ({ person: names.get(personId), ...amounts })),
    residual: residual.residual,
    excess: residual.excess,
    fundCovers: residual.fundCovers,
  }).toEqual({
    ...expected,
    // The household lists its members in person id order, the case in its own: compare as sets.
    persons: expect.arrayContaining(expected.persons) as unknown,
  });
  expect(residual.members).toHaveLength(expected.persons.length);
}

const residualFiles = allCaseFiles().filter((file) => (JSON.parse(readFileSync(file, 'utf8')) as { kind: string }).kind === 'residual');

describe('residual cases through the hub', () => {
  it('finds the residual cases', () => {
    expect(residualFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(residualFiles.map((file) => [path.basename(file), file]))(
    '%s gives through settleClaim and Household.residual the outcome its file expects',
    async (_name, file) => {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { expect: Expected };
      await runResidual(parseResidualCase(raw), raw.expect);
    },
  );
});
