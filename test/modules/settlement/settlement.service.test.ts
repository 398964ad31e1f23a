import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inpatientClaim } from '../../support/claims.js';
import { certify, createHousehold, day } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let zhangye: { clientId: string; token: string };
let jiaxing: { clientId: string; token: string };

const SETTLE = `mutation Settle($input: ClaimInput!) {
  settleClaim(input: $input) { id claimId kind category assistancePaid tiltPaid outOfPocket ruleSet explanation { step amount citation } }
}`;
const QUOTE = `query Quote($input: VisitInput!, $ruleSet: String) {
  quoteSettlement(input: $input, ruleSet: $ruleSet) { ruleSet category assistancePaid outOfPocket explanation { step } alerts { rule } }
}`;
const REVERSE = `mutation Reverse($claimId: String!, $reason: String!) {
  reverseClaim(claimId: $claimId, reason: $reason) { id claimId kind assistancePaid totalCost outOfPocket reason }
}`;
const BURDEN = `query ($id: ID) { person(id: $id) { burden(year: 2024) { visits assistancePaid outOfPocket } } }`;
const ENROLL = `mutation Enroll($input: EnrollmentInput!) { recordEnrollment(input: $input) { id year subsidyAmount subsidyCategory ruleSet } }`;
const CONFIGURE = `mutation Configure($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }`;

type Record = { id: string; claimId: string; kind: string; category: string | null; assistancePaid: string; tiltPaid: string };

/** An inpatient stay whose base (in-policy − basic) is 3 000: a MINIMUM_LIVING class-1 holder in Gansu gets 90 %, 2 700. */
function stay(personId: string, claimId: string, serviceDate = '2024-05-10') {
  return inpatientClaim(personId, claimId, { serviceDate, totalCost: '5000.00', inPolicyCost: '4000.00', basicPaid: '1000.00' });
}

async function holder(regionCode: string, category: 'MINIMUM_LIVING' | 'EXTREME_POVERTY' = 'MINIMUM_LIVING') {
  const person = (await createHousehold(hub.db, regionCode, 1)).members[0]!;
  await certify(hub.db, person.id, category, '2020-01-01', { class: category === 'MINIMUM_LIVING' ? 1 : undefined });
  return person.id;
}

const settle = (input: object, purpose = 'SETTLEMENT', token = zhangye.token) => hub.requestText(SETTLE, { input }, { token, purpose });

beforeAll(async () => {
  hub = await startTestHub();
  // The race below sends 20 claims at once, as a settling system that syncs may: more than the default 16 slots.
  zhangye = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { trustedDocumentsOnly: false, concurrentRequests: 32 });
  jiaxing = await hub.client('MEDICAL_INSURANCE', '3304');
  // gansu-2023 leaves the annual cap to the region (domain.md §5.1).
  const configured = await hub.requestText(
    CONFIGURE,
    { input: { regionCode: '6207', year: 2024, caps: [{ category: 'MINIMUM_LIVING', amount: '10000.00' }], note: 'test values' } },
    { token: zhangye.token, purpose: 'SETTLEMENT' },
  );
  expect(configured.errors).toBeUndefined();
});

afterAll(() => hub.close());

describe('settleClaim', () => {
  it('settles a claim through the rules of its region and stores the record with its explanation', async () => {
    const personId = await holder('620702');
    const response = await settle(stay(personId, 'C-BASIC-1'));
    expect(response.errors).toBeUndefined();
    const record = response.data!.settleClaim as Record & { outOfPocket: string; ruleSet: string; explanation: { step: string }[] };
    expect(record).toMatchObject({ kind: 'SETTLEMENT', category: 'MINIMUM_LIVING', ruleSet: 'gansu-2023', assistancePaid: '2700.00' });
    expect(record.outOfPocket).toBe('1300.00');
    expect(record.explanation.map((s) => s.step)).toEqual(expect.arrayContaining(['base', 'cap', 'outOfPocket']));
    const stored = await hub.db.benefitRecord.findMany({ where: { personId } });
    expect(stored.map((r) => r.assistancePaid.toFixed(2))).toEqual(['2700.00']);
  });

  it('pays a retried claim once and returns the stored record, also when the retries arrive at once', async () => {
    const personId = await holder('620721');
    const first = (await settle(stay(personId, 'C-RETRY-1'))).data!.settleClaim as Record;
    const again = await Promise.all(Array.from({ length: 5 }, () => settle(stay(personId, 'C-RETRY-1'))));
    for (const response of again) expect((response.data!.settleClaim as Record).id).toBe(first.id);
    expect(await hub.db.benefitRecord.count({ where: { claimId: 'C-RETRY-1' } })).toBe(1);
    const burden = await hub.requestText(BURDEN, { id: personId }, { token: zhangye.token });
    expect(burden.data!.person).toEqual({ burden: { visits: 1, assistancePaid: '2700.00', outOfPocket: '1300.00' } });
  });

  it('refuses a reused claim id with other content as a CONFLICT and stores nothing', async () => {
    const personId = await holder('620722');
    await settle(stay(personId, 'C-REUSED-1'));
    const response = await settle({ ...stay(personId, 'C-REUSED-1'), totalCost: '5100.00' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', argument: 'input.claimId' });
    expect(await hub.db.benefitRecord.count({ where: { claimId: 'C-REUSED-1' } })).toBe(1);
  });

  it('serialises 20 simultaneous settlements of one person so that the annual cap is paid exactly, never more', async () => {
    const personId = await holder('620723');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => settle(stay(personId, `C-RACE-${i}`))));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const records = await hub.db.benefitRecord.findMany({ where: { personId } });
    expect(records).toHaveLength(20);
    const paid = records.map((r) => r.assistancePaid.toFixed(2)).sort((a, b) => Number(b) - Number(a));
    // 3 × 2 700 + 1 900 reaches the 10 000 cap; the other 16 find nothing left.
    expect(paid).toEqual(['2700.00', '2700.00', '2700.00', '1900.00', ...Array<string>(16).fill('0.00')]);
    const total = records.reduce((sum, r) => sum.plus(r.assistancePaid), records[0]!.assistancePaid.minus(records[0]!.assistancePaid));
    expect(total.toFixed(2)).toBe('10000.00');
  });

  it('refuses a diagnosis that is not shaped as an ICD-10 code, naming it, and stores nothing', async () => {
    const personId = await holder('620724');
    for (const [i, diagnosis] of ['not-icd', 'i63.9', 'I6', 'I63.', 'I63.90000', '163.9', ''].entries()) {
      const refused = await settle({ ...stay(personId, `C-ICD-${i}`), diagnosis });
      expect(refused.errors?.[0]?.extensions, diagnosis).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.diagnosis' });
      expect(refused.errors?.[0]?.message).toBe('diagnosis must be an ICD-10 code such as Q21.1 or I63.900x001');
    }
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
    // The shapes in use are accepted: WHO's, a category alone, a provisional U code, the national extension.
    for (const [i, diagnosis] of ['Q21.1', 'I10', 'U07.1', 'I63.900x001'].entries()) {
      const accepted = await settle({ ...stay(personId, `C-ICD-OK-${i}`), diagnosis });
      expect(accepted.errors, diagnosis).toBeUndefined();
    }
  });

  it('names a diagnosis or provider code longer than the record keeps as BAD_USER_INPUT, and stores nothing', async () => {
    const personId = await holder('620724');
    const long = await settle({ ...stay(personId, 'C-LONG-1'), diagnosis: 'I63.9-and-more-text' });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.diagnosis' });
    const provider = await settle({ ...stay(personId, 'C-LONG-2'), providerCode: 'H'.repeat(33) });
    expect(provider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.providerCode' });
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
  });

  it('refuses a settlement declared for another purpose before reading anything', async () => {
    const personId = await holder('620724');
    const response = await settle(stay(personId, 'C-PURPOSE-1'), 'ASSISTANCE_ELIGIBILITY');
    expect(response.status).toBe(403);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
  });

  it('treats a person outside the client’s jurisdiction as unknown', async () => {
    const personId = await holder('330402');
    const response = await settle(stay(personId, 'C-OUTSIDE-1', '2024-05-10'));
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'input.personId' });
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
  });

  it('names the field at fault for input the engine cannot evaluate as the schema names it, and stores nothing', async () => {
    const personId = await holder('620725');
    const response = await settle({ ...stay(personId, 'C-BAD-1'), basicPaid: '6000.00' });
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.basicPaid' });
    const inPolicy = await settle({ ...stay(personId, 'C-BAD-2'), inPolicyCost: '5000.01' });
    expect(inPolicy.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.inPolicyCost' });
    expect(inPolicy.errors?.[0]?.message).toBe('input.inPolicyCost: exceeds the total cost');
    const early = await settle(stay(personId, 'C-BAD-3', '2010-05-10'));
    expect(early.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.serviceDate' });
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
  });

  it('stores the alert a rural stay raises (gansu-2023 三(一)) once, even when the claim is retried', async () => {
    const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
    // inpatientClaim's own amounts leave 20 000 after insurance, above gansu-2023's 12 000.
    const visit = inpatientClaim(person.id, 'C-ALERT-1');
    await settle(visit);
    await settle(visit);
    const alerts = await hub.db.alert.findMany({ where: { personId: person.id } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'gansu-2023/rural-other-stay',
      month: '2024-05',
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
    });
    expect(alerts[0]!.amount.toFixed(2)).toBe('20000.00');
  });

  it('raises a per-visit alert for each jurisdiction that settles the same claim id, and once within one', async () => {
    const city = zhangye;
    const district = await hub.client('MEDICAL_INSURANCE', '620702');
    const [first, second] = [
      (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!,
      (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!,
    ];
    // inpatientClaim's amounts raise gansu-2023/rural-other-stay for a rural person of no category.
    await settle(inpatientClaim(first.id, 'C-ALERT-NS'), 'SETTLEMENT', city.token);
    await settle(inpatientClaim(second.id, 'C-ALERT-NS'), 'SETTLEMENT', district.token);
    await settle(inpatientClaim(second.id, 'C-ALERT-NS'), 'SETTLEMENT', district.token);
    const alerts = await hub.db.alert.findMany({ where: { personId: { in: [first.id, second.id] } } });
    expect(alerts.map((a) => `${a.personId} ${a.dedupeKey}`).sort()).toEqual(
      [`${first.id} gansu-2023/rural-other-stay:6207:C-ALERT-NS`, `${second.id} gansu-2023/rural-other-stay:620702:C-ALERT-NS`].sort(),
    );
  });

  it('counts a retroactive certification from six months before it (jiaxing-2023 二(二)7), and only when flagged', async () => {
    const [flagged, plain] = [
      (await createHousehold(hub.db, '330402', 1)).members[0]!,
      (await createHousehold(hub.db, '330402', 1)).members[0]!,
    ];
    for (const [person, retroactive] of [
      [flagged, true],
      [plain, false],
    ] as const) {
      await hub.db.householdStatus.create({
        data: { personId: person.id, category: 'MINIMUM_LIVING', certifiedBy: 'CIVIL_AFFAIRS', validFrom: day('2024-06-01'), retroactive },
      });
    }
    const paid = async (personId: string) =>
      (await settle(stay(personId, `C-RETRO-${personId}`, '2024-03-01'), 'SETTLEMENT', jiaxing.token)).data!.settleClaim as Record;
    expect(await paid(flagged.id)).toMatchObject({ category: 'MINIMUM_LIVING', assistancePaid: '2700.00' });
    expect(await paid(plain.id)).toMatchObject({ category: null, assistancePaid: '0.00' });
  });

  it('settles the same claim id in two jurisdictions as two claims, and a reuse within one never shows the other', async () => {
    const [zhangyePerson, jiaxingPerson] = [await holder('620702'), await holder('330402')];
    const jiaxingRecord = (await settle(stay(jiaxingPerson, 'C-SHARED-1', '2024-03-01'), 'SETTLEMENT', jiaxing.token)).data!
      .settleClaim as Record;
    // Other content under the same id, in Zhangye's own namespace: a claim of its own, no CONFLICT.
    const zhangyeFirst = await settle(stay(zhangyePerson, 'C-SHARED-1'));
    expect(zhangyeFirst.errors).toBeUndefined();
    const zhangyeRecord = zhangyeFirst.data!.settleClaim as Record;
    expect(zhangyeRecord).toMatchObject({ claimId: 'C-SHARED-1', kind: 'SETTLEMENT', assistancePaid: '2700.00' });
    expect(zhangyeRecord.id).not.toBe(jiaxingRecord.id);
    const stored = await hub.db.benefitRecord.findMany({ where: { claimId: 'C-SHARED-1' }, orderBy: { claimJurisdiction: 'asc' } });
    expect(stored.map((r) => [r.claimJurisdiction, r.personId])).toEqual([
      ['3304', jiaxingPerson],
      ['6207', zhangyePerson],
    ]);

    // Within Zhangye the id is taken as before: a retry (by another Zhangye client too) returns the stored record ...
    const otherZhangyeClient = await hub.client('MEDICAL_INSURANCE', '6207');
    const retried = await settle(stay(zhangyePerson, 'C-SHARED-1'), 'SETTLEMENT', otherZhangyeClient.token);
    expect((retried.data!.settleClaim as Record).id).toBe(zhangyeRecord.id);
    // ... and other content is a CONFLICT that names Zhangye's claim only.
    const reused = await settle({ ...stay(zhangyePerson, 'C-SHARED-1'), totalCost: '5100.00' });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', argument: 'input.claimId' });
    const told = JSON.stringify(reused);
    for (const secret of [jiaxingRecord.id, jiaxingPerson, '3304', '330402', '2024-03-01']) expect(told).not.toContain(secret);
    expect(await hub.db.benefitRecord.count({ where: { claimId: 'C-SHARED-1' } })).toBe(2);

    // A reversal in Zhangye cancels Zhangye's claim; Jiaxing's stands, and only Jiaxing reverses it.
    const reversed = await hub.requestText(
      REVERSE,
      { claimId: 'C-SHARED-1', reason: '重复结算' },
      { token: zhangye.token, purpose: 'SETTLEMENT' },
    );
    expect(reversed.data!.reverseClaim).toMatchObject({ kind: 'REVERSAL', assistancePaid: '-2700.00' });
    const reversal = await hub.db.benefitRecord.findFirstOrThrow({ where: { claimId: 'C-SHARED-1', kind: 'REVERSAL' } });
    expect([reversal.personId, reversal.reversesId, reversal.claimJurisdiction]).toEqual([zhangyePerson, zhangyeRecord.id, '6207']);
    const jiaxingReversed = await hub.requestText(
      REVERSE,
      { claimId: 'C-SHARED-1', reason: '重复结算' },
      { token: jiaxing.token, purpose: 'SETTLEMENT' },
    );
    expect(jiaxingReversed.data!.reverseClaim).toMatchObject({ kind: 'REVERSAL', assistancePaid: '-2700.00' });
    expect(await hub.db.benefitRecord.count({ where: { claimId: 'C-SHARED-1', kind: 'REVERSAL' } })).toBe(2);
  });

  it('is append-only in the database: a settled record cannot be edited', async () => {
    await expect(hub.db.$executeRaw`UPDATE benefit_record SET assistance_paid = 0`).rejects.toThrow(/append-only/);
  });
});

describe('quoteSettlement', () => {
  it('computes and explains without storing, and settles what-if under another rule set', async () => {
    const personId = await holder('620702');
    const { claimId: _unused, ...visit } = stay(personId, 'unused');
    const governing = await hub.requestText(QUOTE, { input: visit }, { token: zhangye.token, purpose: 'SETTLEMENT' });
    expect(governing.data!.quoteSettlement).toMatchObject({ ruleSet: 'gansu-2023', category: 'MINIMUM_LIVING', assistancePaid: '2700.00' });
    const national = await hub.requestText(
      QUOTE,
      { input: visit, ruleSet: 'national-2021' },
      { token: zhangye.token, purpose: 'SETTLEMENT' },
    );
    expect(national.data!.quoteSettlement).toMatchObject({ ruleSet: 'national-2021', assistancePaid: '2100.00' });
    expect(await hub.db.benefitRecord.count({ where: { personId } })).toBe(0);
    const unknown = await hub.requestText(QUOTE, { input: visit, ruleSet: 'mars-2030' }, { token: zhangye.token, purpose: 'SETTLEMENT' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ruleSet' });
  });
});

describe('reverseClaim', () => {
  it('cancels a settlement with a negated record, leaves the settlement as it was, and gives the cap back', async () => {
    const personId = await holder('620702');
    const original = (await settle(stay(personId, 'C-REV-1'))).data!.settleClaim as Record;
    const reversed = await hub.requestText(
      REVERSE,
      { claimId: 'C-REV-1', reason: '重复结算' },
      { token: zhangye.token, purpose: 'SETTLEMENT' },
    );
    expect(reversed.errors).toBeUndefined();
    expect(reversed.data!.reverseClaim).toMatchObject({
      claimId: 'C-REV-1',
      kind: 'REVERSAL',
      assistancePaid: '-2700.00',
      totalCost: '-5000.00',
      outOfPocket: '-1300.00',
      reason: '重复结算',
    });
    const again = await hub.requestText(REVERSE, { claimId: 'C-REV-1', reason: 'again' }, { token: zhangye.token, purpose: 'SETTLEMENT' });
    expect((again.data!.reverseClaim as { id: string }).id).toBe((reversed.data!.reverseClaim as { id: string }).id);
    const kept = await hub.db.benefitRecord.findUniqueOrThrow({ where: { id: original.id } });
    expect(kept.assistancePaid.toFixed(2)).toBe('2700.00');
    const burden = await hub.requestText(BURDEN, { id: personId }, { token: zhangye.token });
    expect(burden.data!.person).toEqual({ burden: { visits: 0, assistancePaid: '0.00', outOfPocket: '0.00' } });
    // Four stays would pay 10 800 against the 10 000 cap; with the first reversed, the cap has room for three and 1 900.
    const later = [];
    for (let i = 0; i < 4; i += 1)
      later.push(((await settle(stay(personId, `C-REV-NEXT-${i}`))).data!.settleClaim as Record).assistancePaid);
    expect(later).toEqual(['2700.00', '2700.00', '2700.00', '1900.00']);
  });

  it('answers NOT_FOUND for a claim never settled or of a person outside the client’s rows', async () => {
    const outsider = await holder('330402');
    await settle(stay(outsider, 'C-JX-1', '2024-05-10'), 'SETTLEMENT', jiaxing.token);
    for (const claimId of ['C-NEVER', 'C-JX-1']) {
      const response = await hub.requestText(REVERSE, { claimId, reason: 'x' }, { token: zhangye.token, purpose: 'SETTLEMENT' });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'claimId' });
    }
  });
});

describe('recordEnrollment', () => {
  it('stores the subsidy of the highest category and returns the same enrollment when recorded again', async () => {
    const personId = await holder('620702');
    await certify(hub.db, personId, 'EXTREME_POVERTY', '2021-01-01');
    const input = { personId, year: 2024, scheme: 'RESIDENT', personalContribution: '400.00', decidedOn: '2023-12-01' };
    const first = await hub.requestText(ENROLL, { input }, { token: zhangye.token, purpose: 'ASSISTANCE_ELIGIBILITY' });
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordEnrollment).toMatchObject({
      subsidyAmount: '400.00',
      subsidyCategory: 'EXTREME_POVERTY',
      ruleSet: 'gansu-2023',
    });
    const again = await hub.requestText(ENROLL, { input }, { token: zhangye.token, purpose: 'ASSISTANCE_ELIGIBILITY' });
    expect((again.data!.recordEnrollment as { id: string }).id).toBe((first.data!.recordEnrollment as { id: string }).id);
    const other = await hub.requestText(
      ENROLL,
      { input: { ...input, personalContribution: '380.00' } },
      { token: zhangye.token, purpose: 'ASSISTANCE_ELIGIBILITY' },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('gives a class-1 minimum-living holder the fixed 310 of gansu-2023 and refuses a contribution on an employee enrollment', async () => {
    const personId = await holder('620702');
    const input = { personId, year: 2024, scheme: 'RESIDENT', personalContribution: '400.00', decidedOn: '2023-12-01' };
    const resident = await hub.requestText(ENROLL, { input }, { token: zhangye.token, purpose: 'SETTLEMENT' });
    expect(resident.data!.recordEnrollment).toMatchObject({ subsidyAmount: '310.00', subsidyCategory: 'MINIMUM_LIVING' });
    const employee = await hub.requestText(
      ENROLL,
      { input: { ...input, scheme: 'EMPLOYEE' } },
      { token: zhangye.token, purpose: 'SETTLEMENT' },
    );
    expect(employee.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.personalContribution' });
  });
});
