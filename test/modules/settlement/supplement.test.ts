import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredApplications } from '../../../src/modules/application/application.source.js';
import { SupplementService, type SupplementStore } from '../../../src/modules/settlement/supplement.service.js';
import { startDispatcher } from '../../../src/server/dispatcher.js';
import { inpatientClaim } from '../../support/claims.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };

const SETTLE = 'mutation ($input: ClaimInput!) { settleClaim(input: $input) { id claimId assistancePaid category } }';
const CERTIFY = `mutation ($input: CertificationInput!) { certifyStatus(input: $input) { id } }`;
const READ = `query ($id: ID!) { person(id: $id) {
  burden(year: 2024) { visits assistancePaid outOfPocket }
  benefits(year: 2024, first: 20) { edges { node { id claimId kind serviceDate assistancePaid outOfPocket supplementsId certificationId } } } } }`;

type Node = {
  id: string;
  claimId: string;
  kind: string;
  assistancePaid: string;
  supplementsId: string | null;
  certificationId: string | null;
};

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Settles over HTTP a stay of 5 000 (4 000 in policy, 1 000 paid by basic insurance): base 3 000. */
async function settle(personId: string, claimId: string, serviceDate: string): Promise<{ id: string; assistancePaid: string }> {
  const input = inpatientClaim(personId, claimId, { serviceDate, totalCost: '5000.00', inPolicyCost: '4000.00', basicPaid: '1000.00' });
  const answer = await hub.requestText(SETTLE, { input }, { token: insurance.token, purpose: 'SETTLEMENT' });
  expect(answer.errors).toBeUndefined();
  return answer.data!.settleClaim as { id: string; assistancePaid: string };
}

async function certify(personId: string, documentNo: string, retroactive: boolean): Promise<string> {
  const input = { personId, category: 'MINIMUM_LIVING', class: 2, documentNo, validFrom: '2024-07-10', retroactive };
  const answer = await hub.requestText(CERTIFY, { input }, { token: civil.token, purpose: 'ASSISTANCE_ELIGIBILITY' });
  expect(answer.errors).toBeUndefined();
  return (answer.data!.certifyStatus as { id: string }).id;
}

const supplementsOf = (personId: string) =>
  hub.db.benefitRecord.findMany({ where: { personId, kind: 'SUPPLEMENT' }, orderBy: { serviceDate: 'asc' } });

const service = (store: SupplementStore = hub.repositories.settlements) => {
  const { statuses, persons, regionConfigs, applications } = hub.repositories;
  return new SupplementService(store, statuses, persons, regionConfigs, new StoredApplications(applications));
};

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '3304');
  civil = await hub.client('CIVIL_AFFAIRS', '3304');
});

afterAll(() => hub.close());

describe('supplementary assistance on a certification dated back (jiaxing-2023 二(二)7)', () => {
  it('pays each settled visit of the window its difference exactly once, also after a run cut short', async () => {
    const person = (await createHousehold(hub.db, '330402', 1)).members[0]!;
    // Settled while the person held no category: nothing paid. 2024-01-05 lies before the 6-month window of 2024-07-10.
    const before = await settle(person.id, 'SUP-0', '2024-01-05');
    const visits = [
      await settle(person.id, 'SUP-1', '2024-03-01'),
      await settle(person.id, 'SUP-2', '2024-05-10'),
      await settle(person.id, 'SUP-3', '2024-08-15'),
    ];
    expect([before, ...visits].map((v) => v.assistancePaid)).toEqual(['0.00', '0.00', '0.00', '0.00']);

    // 低保 for illness spending, retroactive: counts from 2024-01-10 on; jiaxing pays 90 % of the base of 3 000.
    const statusId = await certify(person.id, 'SUP-DOC-1', true);

    // A run that crashes after its first supplement: that one is paid (its own transaction), the others not yet.
    let inserts = 0;
    const real = hub.repositories.settlements;
    const crashing: SupplementStore = {
      settledVisitsSince: (...args) => real.settledVisitsSince(...args),
      yearToDateWithout: (...args) => real.yearToDateWithout(...args),
      supplementsOf: (...args) => real.supplementsOf(...args),
      lockPersonYear: (...args) => real.lockPersonYear(...args),
      transaction: (work) => real.transaction(work),
      insertSupplement: async (tx, data) => {
        inserts += 1;
        if (inserts === 2) throw new Error('the process died here');
        return real.insertSupplement(tx, data);
      },
    };
    await expect(service(crashing).supplement(statusId)).rejects.toThrow('the process died here');
    expect((await supplementsOf(person.id)).map((s) => s.assistancePaid.toFixed(2))).toEqual(['2700.00']);

    // The outbox job the certification queued runs to the end: the two left are paid, the first not again.
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 3,
      timeoutMs: 2_000,
      pollInterval: 200,
    });
    try {
      await until(
        () => supplementsOf(person.id),
        (rows) => rows.length === 3,
      );
      await until(
        () =>
          hub.db.$queryRaw<
            { n: number }[]
          >`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'follow_certification'`,
        (rows) => rows[0]!.n === 0,
      );
    } finally {
      await dispatcher.stop();
    }
    // Run again, twice, as an at-least-once queue may: nothing more.
    expect(await service().supplement(statusId)).toEqual([]);
    expect(await service().supplement(statusId)).toEqual([]);

    const supplements = await supplementsOf(person.id);
    expect(supplements).toHaveLength(3);
    expect(supplements.map((s) => [s.supplementsId, s.certificationId, s.assistancePaid.toFixed(2)])).toEqual(
      visits.map((v) => [v.id, statusId, '2700.00']),
    );
    expect(supplements.reduce((sum, s) => sum + Number(s.assistancePaid), 0)).toBe(8100);
    expect(supplements[0]!.explanation).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: 'supplement', amount: '2700.00' })]),
    );

    // Over HTTP: records of their own citing the visit and the certification; the burden counts them, not as visits.
    const answer = await hub.requestText(READ, { id: person.id }, { token: insurance.token, purpose: 'SETTLEMENT' });
    expect(answer.errors).toBeUndefined();
    const read = answer.data!.person as { burden: Record<string, unknown>; benefits: { edges: { node: Node }[] } };
    expect(read.burden).toEqual({ visits: 4, assistancePaid: '8100.00', outOfPocket: '7900.00' });
    const shown = read.benefits.edges.map((e) => e.node).filter((n) => n.kind === 'SUPPLEMENT');
    expect(shown.map((n) => [n.supplementsId, n.certificationId, n.assistancePaid]).sort()).toEqual(
      visits.map((v) => [v.id, statusId, '2700.00']).sort(),
    );

    // Reversing a visit reverses its supplement with it; the job run again pays the reversed visit nothing.
    const reversed = await hub.requestText(
      `mutation { reverseClaim(claimId: "SUP-1", reason: "重复结算") { kind assistancePaid } }`,
      {},
      { token: insurance.token, purpose: 'SETTLEMENT' },
    );
    expect(reversed.errors).toBeUndefined();
    expect(await service().supplement(statusId)).toEqual([]);
    const after = await hub.requestText(READ, { id: person.id }, { token: insurance.token, purpose: 'SETTLEMENT' });
    expect((after.data!.person as { burden: unknown }).burden).toEqual({ visits: 3, assistancePaid: '5400.00', outOfPocket: '6600.00' });
    const reversal = await hub.db.benefitRecord.findFirstOrThrow({ where: { reversesId: supplements[0]!.id } });
    expect([reversal.kind, reversal.assistancePaid.toFixed(2)]).toEqual(['REVERSAL', '-2700.00']);
  }, 90_000);

  it('pays nothing for visits before a certification that is not retroactive', async () => {
    const person = (await createHousehold(hub.db, '330402', 1)).members[0]!;
    await settle(person.id, 'SUP-PLAIN-1', '2024-03-01');
    await settle(person.id, 'SUP-PLAIN-2', '2024-07-20');
    const statusId = await certify(person.id, 'SUP-DOC-2', false);
    // Jiaxing: a new certification counts from the next month (二(二)6); neither visit is in it.
    expect(await service().supplement(statusId)).toEqual([]);
    expect(await supplementsOf(person.id)).toHaveLength(0);
  });
});
