import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let rural: { id: string; idNumber: string };
let urban: { id: string; idNumber: string };
let outsider: { id: string; idNumber: string };
let civil: { clientId: string; token: string };
let revitalization: { clientId: string; token: string };
let insurance: { clientId: string; token: string };
let charity: { clientId: string; token: string };

const CERTIFY = `mutation ($input: CertificationInput!) {
  certifyStatus(input: $input) { id category class certifiedBy documentNo validFrom validTo transitionUntil retroactive supersedesId revokedAt }
}`;
const AMEND = `mutation ($id: ID!, $validTo: Date, $transitionUntil: Date) {
  amendStatus(id: $id, validTo: $validTo, transitionUntil: $transitionUntil) { id validTo transitionUntil supersedesId documentNo }
}`;
const REVOKE = `mutation ($id: ID!, $reason: String!, $on: Date!) { revokeStatus(id: $id, reason: $reason, effectiveOn: $on) { id revokedAt revokeReason } }`;
const STATUSES = `query ($id: ID, $on: Date) { person(id: $id) { statuses(activeOn: $on) { id category validTo supersedesId } } }`;

type Status = { id: string; supersedesId: string | null; validTo: string | null; revokedAt: string | null };

beforeAll(async () => {
  hub = await startTestHub();
  rural = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
  urban = (await createHousehold(hub.db, '620702', 1, 'URBAN')).members[0]!;
  outsider = (await createHousehold(hub.db, '330402', 1, 'RURAL')).members[0]!;
  civil = await hub.client('CIVIL_AFFAIRS');
  revitalization = await hub.client('RURAL_REVITALIZATION');
  insurance = await hub.client('MEDICAL_INSURANCE');
  charity = await hub.client('CHARITY');
});

afterAll(() => hub.close());

const certify = (input: Record<string, unknown>, token = civil.token) => hub.requestText(CERTIFY, { input }, { token });
const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

describe('certifyStatus', () => {
  it('lets civil affairs certify 低保 by ID number, and certifying the same document again stores nothing new', async () => {
    const input = { idNumber: rural.idNumber, category: 'MINIMUM_LIVING', class: 2, documentNo: 'CA-2024-001', validFrom: '2024-03-01' };
    const first = await certify(input);
    expect(first.errors).toBeUndefined();
    expect(first.data!.certifyStatus).toMatchObject({
      category: 'MINIMUM_LIVING',
      class: 2,
      certifiedBy: 'CIVIL_AFFAIRS',
      documentNo: 'CA-2024-001',
      validFrom: '2024-03-01',
      validTo: null,
      supersedesId: null,
    });
    const again = await certify(input);
    expect((again.data!.certifyStatus as Status).id).toBe((first.data!.certifyStatus as Status).id);
    expect(await hub.db.householdStatus.count({ where: { documentNo: 'CA-2024-001' } })).toBe(1);
    const { rows } = await hub.pool.query(`SELECT outcome, person_ids FROM audit_entry WHERE client_id = $1 ORDER BY seq DESC LIMIT 1`, [
      civil.clientId,
    ]);
    expect(rows[0]).toEqual({ outcome: 'SUCCESS', person_ids: [rural.id] });
  });

  it('stores other dates under the same document as a new version that names what it supersedes, and counts only that one', async () => {
    const base = { personId: rural.id, category: 'LOW_INCOME_MARGINAL', documentNo: 'CA-2024-002', validFrom: '2024-01-01' };
    const v1 = (await certify(base)).data!.certifyStatus as Status;
    const v2 = (await certify({ ...base, validTo: '2024-06-30' })).data!.certifyStatus as Status;
    expect(v2.id).not.toBe(v1.id);
    expect(v2).toMatchObject({ supersedesId: v1.id, validTo: '2024-06-30' });
    const history = (await hub.requestText(STATUSES, { id: rural.id }, { token: civil.token })).data!.person as { statuses: Status[] };
    expect(history.statuses.map((s) => s.id)).toEqual(expect.arrayContaining([v1.id, v2.id]));
    const onJuly = (await hub.requestText(STATUSES, { id: rural.id, on: '2024-07-15' }, { token: civil.token })).data!.person as {
      statuses: (Status & { category: string })[];
    };
    expect(onJuly.statuses.map((s) => s.category)).toEqual(['MINIMUM_LIVING']);
  });

  it('lets rural revitalization certify its categories for rural persons; the other agency’s category is FORBIDDEN both ways', async () => {
    const own = await certify(
      { personId: rural.id, category: 'AT_RISK_MONITORED', documentNo: 'RR-2024-001', validFrom: '2024-02-01' },
      revitalization.token,
    );
    expect(own.data!.certifyStatus).toMatchObject({ certifiedBy: 'RURAL_REVITALIZATION' });
    const rrOnCivil = await certify(
      { personId: rural.id, category: 'MINIMUM_LIVING', documentNo: 'RR-X', validFrom: '2024-02-01' },
      revitalization.token,
    );
    expect(rrOnCivil.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'input.category' });
    const civilOnRr = await certify({ personId: rural.id, category: 'RETURNED_TO_POVERTY', documentNo: 'CA-X', validFrom: '2024-02-01' });
    expect(codeOf(civilOnRr)).toBe('FORBIDDEN');
    expect(await hub.db.householdStatus.count({ where: { documentNo: { in: ['RR-X', 'CA-X'] } } })).toBe(0);
  });

  it('answers NOT_FOUND alike for a person outside the writer’s rows and an unknown one', async () => {
    const outside = await certify({ idNumber: outsider.idNumber, category: 'MINIMUM_LIVING', documentNo: 'CA-O', validFrom: '2024-01-01' });
    const unknownId = await certify({
      personId: '01890000-0000-7000-8000-000000000000',
      category: 'MINIMUM_LIVING',
      documentNo: 'CA-O',
      validFrom: '2024-01-01',
    });
    expect(outside.errors![0]).toMatchObject({
      message: 'no person with this ID number',
      extensions: { code: 'NOT_FOUND', argument: 'input.idNumber' },
    });
    expect(codeOf(unknownId)).toBe('NOT_FOUND');
    // Rural revitalization's rows are rural persons: an urban one does not exist for it.
    const urbanForRr = await certify(
      { personId: urban.id, category: 'AT_RISK_MONITORED', documentNo: 'RR-U', validFrom: '2024-01-01' },
      revitalization.token,
    );
    expect(urbanForRr.errors![0]).toMatchObject({ message: 'no person with this id', extensions: { code: 'NOT_FOUND' } });
    expect(await hub.db.householdStatus.count({ where: { documentNo: { in: ['CA-O', 'RR-U'] } } })).toBe(0);
  });

  it('is absent from the schemas of agencies that certify nothing', async () => {
    for (const token of [insurance.token, charity.token]) {
      const result = await certify({ personId: rural.id, category: 'MINIMUM_LIVING', documentNo: 'N', validFrom: '2024-01-01' }, token);
      expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('refuses bad input naming the field: a class outside 低保, a retroactive flag outside jiaxing’s two, an end before the start, both person keys', async () => {
    const base = { personId: rural.id, documentNo: 'CA-BAD', validFrom: '2024-01-01' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, category: 'ILLNESS_POVERTY', class: 1 }, 'input.class'],
      [{ ...base, category: 'MINIMUM_LIVING', class: 5 }, 'input.class'],
      [{ ...base, category: 'ILLNESS_POVERTY', retroactive: true }, 'input.retroactive'],
      [{ ...base, category: 'MINIMUM_LIVING', validTo: '2023-12-31' }, 'input.validTo'],
      [{ ...base, category: 'MINIMUM_LIVING', transitionUntil: '2024-12-31' }, 'input.transitionUntil'],
      [{ ...base, idNumber: rural.idNumber, category: 'MINIMUM_LIVING' }, 'input.idNumber'],
      [{ ...base, category: 'MINIMUM_LIVING', documentNo: '  ' }, 'input.documentNo'],
    ];
    for (const [input, argument] of cases) {
      const result = await certify(input);
      expect(result.errors![0]!.extensions, argument).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
    expect(await hub.db.householdStatus.count({ where: { documentNo: 'CA-BAD' } })).toBe(0);
  });

  it('refuses the same document for another person as a CONFLICT', async () => {
    await certify({ personId: rural.id, category: 'ILLNESS_POVERTY', documentNo: 'CA-2024-009', validFrom: '2024-01-01' });
    const other = await certify({ personId: urban.id, category: 'ILLNESS_POVERTY', documentNo: 'CA-2024-009', validFrom: '2024-01-01' });
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', argument: 'input.documentNo' });
  });
});

describe('amendStatus and revokeStatus', () => {
  it('ends, then puts into transition, each a new version; an old version cannot be amended again', async () => {
    const v1 = (await certify({ personId: urban.id, category: 'MINIMUM_LIVING', documentNo: 'CA-2024-010', validFrom: '2024-01-01' })).data!
      .certifyStatus as Status;
    const ended = await hub.requestText(AMEND, { id: v1.id, validTo: '2024-09-30' }, { token: civil.token });
    expect(ended.data!.amendStatus).toMatchObject({
      validTo: '2024-09-30',
      transitionUntil: null,
      supersedesId: v1.id,
      documentNo: 'CA-2024-010',
    });
    const v2 = ended.data!.amendStatus as Status;
    const transition = await hub.requestText(
      AMEND,
      { id: v2.id, validTo: '2024-09-30', transitionUntil: '2025-03-31' },
      { token: civil.token },
    );
    expect(transition.data!.amendStatus).toMatchObject({ transitionUntil: '2025-03-31', supersedesId: v2.id });
    const stale = await hub.requestText(AMEND, { id: v1.id, validTo: '2025-12-31' }, { token: civil.token });
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', argument: 'id', supersededBy: v2.id });
    const onNov = (await hub.requestText(STATUSES, { id: urban.id, on: '2024-11-15' }, { token: civil.token })).data!.person as {
      statuses: Status[];
    };
    expect(onNov.statuses.map((s) => s.supersedesId)).toEqual([v2.id]);
  });

  it('revokes from effectiveOn, the same revocation again is a replay, another one a CONFLICT; another agency may not', async () => {
    const status = (await certify({ personId: rural.id, category: 'EXTREME_POVERTY', documentNo: 'CA-2024-020', validFrom: '2024-01-01' }))
      .data!.certifyStatus as Status;
    const byRr = await hub.requestText(
      REVOKE,
      { id: status.id, reason: '收入超过标准', on: '2024-05-01' },
      { token: revitalization.token },
    );
    expect(codeOf(byRr)).toBe('FORBIDDEN');
    const revoked = await hub.requestText(REVOKE, { id: status.id, reason: '收入超过标准', on: '2024-05-01' }, { token: civil.token });
    expect(revoked.data!.revokeStatus).toMatchObject({ revokeReason: '收入超过标准', revokedAt: '2024-05-01T00:00:00.000Z' });
    const replay = await hub.requestText(REVOKE, { id: status.id, reason: '收入超过标准', on: '2024-05-01' }, { token: civil.token });
    expect(replay.data!.revokeStatus).toEqual(revoked.data!.revokeStatus);
    const other = await hub.requestText(REVOKE, { id: status.id, reason: '死亡', on: '2024-06-01' }, { token: civil.token });
    expect(codeOf(other)).toBe('CONFLICT');
    const active = async (on: string) =>
      (
        (await hub.requestText(STATUSES, { id: rural.id, on }, { token: civil.token })).data!.person as {
          statuses: (Status & { category: string })[];
        }
      ).statuses
        .map((s) => s.category)
        .includes('EXTREME_POVERTY');
    expect(await active('2024-04-30')).toBe(true);
    expect(await active('2024-05-01')).toBe(false);
    // Certifying a revoked document again does not resurrect it.
    const again = await certify({ personId: rural.id, category: 'EXTREME_POVERTY', documentNo: 'CA-2024-020', validFrom: '2024-01-01' });
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('answers NOT_FOUND for a certification of a person outside the writer’s rows', async () => {
    const theirs = await hub.db.householdStatus.create({
      data: {
        personId: outsider.id,
        category: 'MINIMUM_LIVING',
        certifiedBy: 'CIVIL_AFFAIRS',
        documentNo: 'ZJ-1',
        validFrom: new Date('2024-01-01'),
      },
    });
    const result = await hub.requestText(REVOKE, { id: theirs.id, reason: 'x', on: '2024-05-01' }, { token: civil.token });
    expect(result.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', argument: 'id' });
    expect((await hub.db.householdStatus.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt).toBeNull();
  });
});
