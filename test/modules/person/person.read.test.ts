import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HouseholdMembersDocument,
  PersonBenefitsPageDocument,
  PersonByIdDocument,
  PersonByIdNumberDocument,
  PersonsNestedDocument,
  PersonStatusesOnDocument,
} from '../../generated/operations.js';
import { certify, createHousehold, recordBenefit } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let family: Awaited<ReturnType<typeof createHousehold>>;

beforeAll(async () => {
  hub = await startTestHub();
  family = await createHousehold(hub.db, '620702', 2);
  const [head] = family.members;
  await certify(hub.db, head!.id, 'MINIMUM_LIVING', '2021-03-01', { validTo: '2023-02-28', class: 2 });
  await certify(hub.db, head!.id, 'MINIMUM_LIVING', '2023-03-01', { class: 1 });
  await certify(hub.db, head!.id, 'LOW_INCOME_MARGINAL', '2020-01-01', { revokedAt: '2022-06-15T08:00:00Z' });
  await hub.db.enrollment.create({
    data: {
      personId: head!.id,
      year: 2024,
      scheme: 'RESIDENT',
      status: 'ENROLLED',
      personalContribution: '400.00',
      subsidyAmount: '310.00',
      subsidyCategory: 'MINIMUM_LIVING',
    },
  });
  await hub.db.enrollment.create({
    data: { personId: head!.id, year: 2023, scheme: 'RESIDENT', status: 'ENROLLED', personalContribution: '380.00' },
  });
  await recordBenefit(hub.db, head!.id, 'C-1', '2024-02-01', { total: '1000.10', oop: '100.05' });
  await recordBenefit(hub.db, head!.id, 'C-2', '2024-05-01', { total: '2000.20', oop: '200.15' });
  await recordBenefit(hub.db, head!.id, 'C-3', '2024-09-01', { total: '3000.30', oop: '300.25' });
  await recordBenefit(hub.db, head!.id, 'C-0', '2023-12-31', { total: '99.99', oop: '9.99' });
  await createHousehold(hub.db, '330402', 3, 'URBAN');
});

afterAll(() => hub.close());

describe('reading persons', () => {
  it('returns a person with household, status history, enrollments, benefits and burden as stored', async () => {
    const [head, other] = family.members;
    const { data, errors } = await hub.request(PersonsNestedDocument, { filter: { regionPrefix: '6207' }, first: 10, year: 2024 });
    expect(errors).toBeUndefined();
    expect(data!.persons.totalCount).toBe(2);
    const node = data!.persons.edges.find((e) => e.node.id === head!.id)!.node;
    expect(node).toMatchObject({
      idNumber: head!.idNumber,
      name: head!.name,
      gender: head!.gender,
      birthDate: head!.birthDate.toISOString().slice(0, 10),
      residence: 'RURAL',
      regionCode: '620702',
      phone: head!.phone,
    });
    expect(node.household!.members.map((m) => m.id).sort()).toEqual([head!.id, other!.id].sort());
    expect(node.statuses!.map((s) => [s.category, s.validFrom, s.validTo, s.class, s.revokedAt])).toEqual([
      ['LOW_INCOME_MARGINAL', '2020-01-01', null, null, '2022-06-15T08:00:00.000Z'],
      ['MINIMUM_LIVING', '2021-03-01', '2023-02-28', 2, null],
      ['MINIMUM_LIVING', '2023-03-01', null, 1, null],
    ]);
    expect(node.enrollments).toEqual([
      expect.objectContaining({
        year: 2024,
        scheme: 'RESIDENT',
        personalContribution: '400.00',
        subsidyAmount: '310.00',
        subsidyCategory: 'MINIMUM_LIVING',
      }),
    ]);
    expect(node.benefits!.totalCount).toBe(3);
    expect(node.benefits!.edges.map((e) => e.node.claimId)).toEqual(['C-3', 'C-2', 'C-1']);
    expect(node.benefits!.edges[0]!.node).toMatchObject({
      totalCost: '3000.30',
      basicPaid: '0.10',
      outOfPocket: '300.25',
      serviceDate: '2024-09-01',
    });
    expect(node.burden).toEqual({
      year: 2024,
      visits: 3,
      totalCost: '6000.60',
      basicPaid: '0.30',
      criticalPaid: '0.60',
      otherPaid: '0.00',
      assistancePaid: '0.90',
      tiltPaid: '0.00',
      outOfPocket: '600.45',
    });
    const otherNode = data!.persons.edges.find((e) => e.node.id === other!.id)!.node;
    expect(otherNode.burden).toMatchObject({ visits: 0, totalCost: '0.00' });
    expect(otherNode.benefits).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('answers which statuses were active on a past date', async () => {
    const id = family.members[0]!.id;
    const on = async (activeOn: string) =>
      (await hub.request(PersonStatusesOnDocument, { id, activeOn })).data!.person!.statuses!.map((s) => `${s.category}@${s.validFrom}`);
    expect(await on('2022-06-14')).toEqual(['LOW_INCOME_MARGINAL@2020-01-01', 'MINIMUM_LIVING@2021-03-01']);
    expect(await on('2022-06-15')).toEqual(['MINIMUM_LIVING@2021-03-01']);
    expect(await on('2023-08-15')).toEqual(['MINIMUM_LIVING@2023-03-01']);
    expect(await on('2019-12-31')).toEqual([]);
  });

  it('pages benefits with a cursor and keeps the total', async () => {
    const id = family.members[0]!.id;
    const first = await hub.request(PersonBenefitsPageDocument, { id, first: 2 });
    const page1 = first.data!.person!.benefits!;
    expect(page1.totalCount).toBe(4);
    expect(page1.edges.map((e) => e.node.claimId)).toEqual(['C-3', 'C-2']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await hub.request(PersonBenefitsPageDocument, { id, first: 2, after: page1.pageInfo.endCursor });
    const page2 = second.data!.person!.benefits!;
    expect(page2.edges.map((e) => e.node.claimId)).toEqual(['C-1', 'C-0']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(page2.totalCount).toBe(4);
  });

  it('pages persons so that every person appears exactly once', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const { data } = await hub.request(PersonsNestedDocument, { first: 2, after, year: 2024 });
      seen.push(...data!.persons.edges.map((e) => e.node.id));
      expect(data!.persons.totalCount).toBe(5);
      if (!data!.persons.pageInfo.hasNextPage) break;
      after = data!.persons.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('filters persons by category active on a date', async () => {
    const count = async (activeOn: string) =>
      (await hub.request(PersonsNestedDocument, { filter: { category: 'MINIMUM_LIVING', activeOn }, year: 2024 })).data!.persons.totalCount;
    expect(await count('2022-01-01')).toBe(1);
    expect(await count('2020-01-01')).toBe(0);
  });

  it('finds a person by ID number and by id, and a household with its members', async () => {
    const head = family.members[0]!;
    expect((await hub.request(PersonByIdNumberDocument, { idNumber: head.idNumber })).data!.person!.id).toBe(head.id);
    expect((await hub.request(PersonByIdDocument, { id: head.id })).data!.person!.name).toBe(head.name);
    const household = (await hub.request(HouseholdMembersDocument, { id: family.household.id })).data!.household!;
    expect(household.members).toHaveLength(2);
  });

  it('answers null for an unknown id, ID number or household', async () => {
    const unknown = '01890000-0000-7000-8000-000000000000';
    expect((await hub.request(PersonByIdDocument, { id: unknown })).data).toEqual({ person: null });
    expect((await hub.request(HouseholdMembersDocument, { id: unknown })).data).toEqual({ household: null });
    const stranger = (await import('../../../src/shared/id-number.js')).makeIdNumber('110105', '1949-12-31', 2);
    const result = await hub.request(PersonByIdNumberDocument, { idNumber: stranger });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ person: null });
  });
});
