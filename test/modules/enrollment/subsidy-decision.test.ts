import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubsidyDecisionService } from '../../../src/modules/enrollment/subsidy-decision.service.js';
import { StoredApplications } from '../../../src/modules/application/application.source.js';
import { SupplementService } from '../../../src/modules/settlement/supplement.service.js';
import { CertificationFollowUp } from '../../../src/modules/status/certification.follow-up.js';
import { startDispatcher } from '../../../src/server/dispatcher.js';
import { certify, createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let followUp: CertificationFollowUp;
const clients: Record<string, { clientId: string; token: string }> = {};

const ENROLL = `mutation ($input: EnrollmentInput!) { recordEnrollment(input: $input) { id subsidyAmount subsidyCategory } }`;
const CERTIFY = `mutation ($input: CertificationInput!) { certifyStatus(input: $input) { id } }`;
const READ = `query ($id: ID!) { person(id: $id) { enrollments(year: 2024) { subsidyAmount subsidyCategory ruleSet
  subsidyDecisions { certificationId decidedOn previousAmount amount difference category ruleSet EXPLANATION } } } }`;
const ELIGIBILITY = 'ASSISTANCE_ELIGIBILITY';
let documents = 0;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A new person of `regionCode`, enrolled in resident insurance for 2024 at 400 (domain.md §4), decided in December 2023. */
async function enrolledPerson(regionCode: string): Promise<{ id: string; subsidy: string }> {
  const person = (await createHousehold(hub.db, regionCode, 1, 'RURAL')).members[0]!;
  return { id: person.id, subsidy: await enroll(person.id, regionCode) };
}

async function enroll(personId: string, regionCode: string): Promise<string> {
  const answer = await hub.requestText(
    ENROLL,
    { input: { personId, year: 2024, scheme: 'RESIDENT', personalContribution: '400.00', decidedOn: '2023-12-01' } },
    { token: clients[`MEDICAL_INSURANCE/${regionCode.slice(0, 4)}`]!.token, purpose: ELIGIBILITY },
  );
  expect(answer.errors).toBeUndefined();
  return (answer.data!.recordEnrollment as { subsidyAmount: string }).subsidyAmount;
}

/** `agency` of the person's city certifies over HTTP; returns the certification id. */
async function certifyOverHttp(
  agency: 'CIVIL_AFFAIRS' | 'RURAL_REVITALIZATION',
  person: { id: string },
  regionCode: string,
  input: { category: string; class?: number; validFrom: string },
): Promise<string> {
  documents += 1;
  const answer = await hub.requestText(
    CERTIFY,
    { input: { personId: person.id, documentNo: `SD-${documents}`, ...input } },
    { token: clients[`${agency}/${regionCode.slice(0, 4)}`]!.token, purpose: ELIGIBILITY },
  );
  expect(answer.errors).toBeUndefined();
  return (answer.data!.certifyStatus as { id: string }).id;
}

const read = async (personId: string, agency = 'MEDICAL_INSURANCE/3304', explanation = true) => {
  const answer = await hub.requestText(
    READ.replace('EXPLANATION', explanation ? 'explanation { step amount detail citation }' : ''),
    { id: personId },
    { token: clients[agency]!.token, purpose: ELIGIBILITY },
  );
  expect(answer.errors).toBeUndefined();
  return (answer.data!.person as { enrollments: Record<string, unknown>[] }).enrollments[0]!;
};

beforeAll(async () => {
  hub = await startTestHub();
  for (const city of ['3304', '6207']) {
    for (const agency of ['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'] as const) {
      clients[`${agency}/${city}`] = await hub.client(agency, city);
    }
  }
  const { subsidyDecisions, enrollments, statuses, persons, regionConfigs, settlements, applications } = hub.repositories;
  followUp = new CertificationFollowUp(
    new SubsidyDecisionService(subsidyDecisions, enrollments, statuses, persons, regionConfigs),
    new SupplementService(settlements, statuses, persons, regionConfigs, new StoredApplications(applications)),
  );
});

afterAll(() => hub.close());

describe('the subsidy decision on a new certification (domain.md §4)', () => {
  it('subsidises an enrolled Jiaxing person in full in the month of 低保 certification, through the outbox, once', async () => {
    const person = await enrolledPerson('330402');
    expect(person.subsidy).toBe('0.00');
    const statusId = await certifyOverHttp('CIVIL_AFFAIRS', person, '330402', {
      category: 'MINIMUM_LIVING',
      class: 2,
      validFrom: '2024-05-10',
    });
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 3,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      await until(
        () => hub.db.subsidyDecision.count({ where: { statusId } }),
        (count) => count === 1,
      );
    } finally {
      await dispatcher.stop();
    }
    const enrollment = await read(person.id);
    expect(enrollment).toMatchObject({
      subsidyAmount: '400.00',
      subsidyCategory: 'MINIMUM_LIVING',
      ruleSet: 'jiaxing-2023',
      subsidyDecisions: [
        {
          certificationId: statusId,
          decidedOn: '2024-05-10',
          previousAmount: '0.00',
          amount: '400.00',
          difference: '400.00',
          category: 'MINIMUM_LIVING',
          ruleSet: 'jiaxing-2023',
        },
      ],
    });
    const steps = (enrollment.subsidyDecisions as { explanation: { step: string; amount: string | null; detail: string }[] }[])[0]!
      .explanation;
    expect(steps.map((s) => s.step)).toEqual(['candidate', 'subsidy', 'timing', 'difference']);
    expect(steps.find((s) => s.step === 'timing')!.detail).toContain('2024-05');

    // Running the follow-up again, as an at-least-once queue may, decides nothing more.
    await followUp.run(statusId);
    await followUp.run(statusId);
    expect(await hub.db.subsidyDecision.count({ where: { enrollment: { personId: person.id } } })).toBe(1);
    expect((await read(person.id)).subsidyAmount).toBe('400.00');

    // Civil affairs reads the decision too, without the explanation (medical insurance's, as for settlements).
    const civil = await read(person.id, 'CIVIL_AFFAIRS/3304', false);
    expect(civil.subsidyDecisions).toMatchObject([{ amount: '400.00', difference: '400.00' }]);
    const denied = await hub.requestText(
      READ.replace('EXPLANATION', 'explanation { step }'),
      { id: person.id },
      {
        token: clients['CIVIL_AFFAIRS/3304']!.token,
        purpose: ELIGIBILITY,
      },
    );
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('raises a Gansu subsidy by the difference: 低边 100, then 一类低保 310 (gansu-2023 一(二))', async () => {
    const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
    await certify(hub.db, person.id, 'LOW_INCOME_MARGINAL', '2023-01-01');
    expect(await enroll(person.id, '620702')).toBe('100.00');
    const statusId = await certifyOverHttp('CIVIL_AFFAIRS', person, '620702', {
      category: 'MINIMUM_LIVING',
      class: 1,
      validFrom: '2024-03-01',
    });
    await followUp.run(statusId);
    expect(await read(person.id, 'MEDICAL_INSURANCE/6207')).toMatchObject({
      subsidyAmount: '310.00',
      subsidyCategory: 'MINIMUM_LIVING',
      subsidyDecisions: [
        { certificationId: statusId, previousAmount: '100.00', amount: '310.00', difference: '210.00', ruleSet: 'gansu-2023' },
      ],
    });
  });

  it('decides nothing when the certification earns no more, or the person is not enrolled for its year', async () => {
    // Jiaxing subsidises 支出型贫困 (ILLNESS_POVERTY) with nothing (jiaxing-2023 二(二)6).
    const illness = await enrolledPerson('330402');
    await followUp.run(await certifyOverHttp('CIVIL_AFFAIRS', illness, '330402', { category: 'ILLNESS_POVERTY', validFrom: '2024-04-01' }));
    // Already subsidised in full: 特困 on top of 低保 gives no more than the contribution.
    const full = (await createHousehold(hub.db, '330402', 1, 'RURAL')).members[0]!;
    await certify(hub.db, full.id, 'MINIMUM_LIVING', '2023-06-01', { class: 2 });
    expect(await enroll(full.id, '330402')).toBe('400.00');
    await followUp.run(await certifyOverHttp('CIVIL_AFFAIRS', full, '330402', { category: 'EXTREME_POVERTY', validFrom: '2024-06-01' }));
    // Enrolled for 2024, certified for 2025: another benefit year.
    const later = await enrolledPerson('330402');
    await followUp.run(
      await certifyOverHttp('CIVIL_AFFAIRS', later, '330402', { category: 'MINIMUM_LIVING', class: 2, validFrom: '2025-02-01' }),
    );
    // Not enrolled at all.
    const unenrolled = (await createHousehold(hub.db, '330402', 1, 'RURAL')).members[0]!;
    await followUp.run(
      await certifyOverHttp('CIVIL_AFFAIRS', unenrolled, '330402', { category: 'MINIMUM_LIVING', class: 2, validFrom: '2024-05-01' }),
    );

    const ids = [illness.id, full.id, later.id, unenrolled.id];
    expect(await hub.db.subsidyDecision.count({ where: { enrollment: { personId: { in: ids } } } })).toBe(0);
    expect((await read(illness.id)).subsidyAmount).toBe('0.00');
    expect((await read(later.id)).subsidyAmount).toBe('0.00');
  });
});
