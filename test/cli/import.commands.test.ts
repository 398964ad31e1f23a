import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCommand } from '../../src/cli/import.commands.js';
import { UsageError } from '../../src/cli/usage.js';
import { JOBS } from '../../src/server/job-queue.js';
import { ClientRepository } from '../../src/auth/client.repository.js';
import { ClientService } from '../../src/auth/client.service.js';
import { loadConfig, type HubConfig } from '../../src/server/config.js';
import { createDb, type Db } from '../../src/server/prisma.js';
import { AuditKeyRing } from '../../src/modules/audit/audit.keys.js';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { keysEnv } from '../modules/audit/audit.fixtures.js';
import { consent, refer } from '../auth/access.fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createHousehold } from '../support/factory.js';

let database: TestDatabase;
let config: HubConfig;
let db: Db;
let close: () => Promise<void>;
let dir: string;
const clients: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HUB_DATA_DIR: '/nonexistent',
    HUB_AUDIT_KEYS: keysEnv(AuditKeyRing.generate()),
  });
  const connection = createDb(database.url);
  db = connection.db;
  close = async () => {
    await db.$disconnect();
    await connection.pool.end();
  };
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-import-'));
  const service = new ClientService(new ClientRepository(db));
  for (const [name, agency, jurisdiction] of [
    ['medical', 'MEDICAL_INSURANCE', '6207'],
    ['civil', 'CIVIL_AFFAIRS', '6207'],
    ['rural', 'RURAL_REVITALIZATION', '6207'],
    ['charity', 'CHARITY', ''],
    ['otherCharity', 'CHARITY', ''],
    ['insurer', 'INSURER', ''],
  ] as const) {
    clients[name] = (await service.create({ name, agency, jurisdiction })).clientId;
  }
});

afterAll(async () => {
  await close();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `hub import …` in this process: its exit code, stdout, stderr and the rejects file it wrote. */
async function run(kind: string, name: string, text: string, client: string) {
  const file = path.join(dir, name);
  await writeFile(file, text);
  const rejectsFile = path.join(dir, `${name}.rejects`);
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await importCommand(config, [kind, file, '--client', clients[client]!, '--rejects', rejectsFile]);
    const rejects = await readFile(rejectsFile, 'utf8').catch(() => '');
    return {
      code,
      summary: stdout ? (JSON.parse(stdout) as Record<string, number>) : null,
      stderr,
      rejects: rejects
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('hub import statuses', () => {
  it('stores the good rows, reports each bad one by line, field and code, and stores nothing new the second time', async () => {
    const person = (await createHousehold(db, '620702', 1)).members[0]!;
    const outsider = (await createHousehold(db, '330402', 1)).members[0]!;
    const csv = [
      'idNumber,personId,category,class,documentNo,validFrom,validTo',
      `${person.idNumber},,MINIMUM_LIVING,2,CLI-1,2024-01-01,`,
      `${person.idNumber},,RETURNED_TO_POVERTY,,CLI-2,2024-01-01,`,
      `${outsider.idNumber},,MINIMUM_LIVING,,CLI-3,2024-01-01,`,
      `,${person.id},LOW_INCOME_MARGINAL,,CLI-4,2024-02-30,`,
      `,${person.id},ORPHAN,,CLI-5,2024-02-01,2024-12-31`,
    ].join('\n');
    const first = await run('statuses', 'statuses.csv', csv, 'civil');
    expect(first.code).toBe(1);
    expect(first.summary).toMatchObject({ accepted: 2, rejected: 3, unchanged: 0 });
    expect(first.summary!.seconds).toBeTypeOf('number');
    expect(first.rejects).toEqual([
      { line: 3, field: 'category', code: 'FORBIDDEN', reason: 'RETURNED_TO_POVERTY is certified by RURAL_REVITALIZATION' },
      { line: 4, field: 'idNumber', code: 'NOT_FOUND', reason: 'no person with this id or ID number in your rows' },
      { line: 5, field: 'validFrom', code: 'BAD_USER_INPUT', reason: 'must be a real date YYYY-MM-DD' },
    ]);
    expect(await db.householdStatus.count({ where: { documentNo: { startsWith: 'CLI-' } } })).toBe(2);
    const audited = await db.auditEntry.findMany({ where: { operationName: 'hub import statuses' } });
    expect(audited.map((entry) => [entry.clientId, entry.personIds])).toEqual([[clients.civil, [person.id]]]);

    // Each stored certification is an event on its way to medical insurance (row, outbox job), as from certifyStatus.
    const stored = await db.householdStatus.findMany({ where: { documentNo: { startsWith: 'CLI-' } } });
    const events = await db.hubEvent.findMany({ where: { subjectId: { in: stored.map((row) => row.id) } } });
    expect(events.map((event) => [event.kind, event.personId, event.targets, event.purpose])).toEqual([
      ['certification.granted', person.id, ['MEDICAL_INSURANCE'], 'ASSISTANCE_ELIGIBILITY'],
      ['certification.granted', person.id, ['MEDICAL_INSURANCE'], 'ASSISTANCE_ELIGIBILITY'],
    ]);
    // …on the outbox as one batch job, with the hub's own follow-up of the batch (the subsidy decisions), committed with
    // them; the dispatcher expands each into one job per event (test/modules/import/status.import.test.ts).
    expect(new Set(events.map((event) => event.batchId)).size).toBe(1);
    const jobs = await db.$queryRaw<{ task: string; n: number }[]>`
      SELECT task_identifier AS task, count(*)::int AS n FROM graphile_worker.jobs
      WHERE task_identifier IN (${JOBS.fanOutEventBatch}, ${JOBS.followCertificationBatch}) GROUP BY 1 ORDER BY 1`;
    expect(jobs).toEqual([
      { task: JOBS.fanOutEventBatch, n: 1 },
      { task: JOBS.followCertificationBatch, n: 1 },
    ]);

    const again = await run('statuses', 'statuses.csv', csv, 'civil');
    expect(again.summary).toMatchObject({ accepted: 0, rejected: 3, unchanged: 2 });
    expect(await db.householdStatus.count({ where: { documentNo: { startsWith: 'CLI-' } } })).toBe(2);
    expect(await db.hubEvent.count({ where: { kind: 'certification.granted' } })).toBe(2);
  });

  it("refuses every row of another agency's categories, and stores none", async () => {
    const person = (await createHousehold(db, '620702', 1)).members[0]!;
    const ndjson = `${JSON.stringify({ idNumber: person.idNumber, category: 'MINIMUM_LIVING', documentNo: 'RUR-1', validFrom: '2024-01-01' })}\n`;
    const result = await run('statuses', 'rural.ndjson', ndjson, 'rural');
    expect(result.summary).toMatchObject({ accepted: 0, rejected: 1 });
    expect(result.rejects).toEqual([
      { line: 1, field: 'category', code: 'FORBIDDEN', reason: 'MINIMUM_LIVING is certified by CIVIL_AFFAIRS' },
    ]);
    expect(await db.householdStatus.count({ where: { documentNo: 'RUR-1' } })).toBe(0);
  });

  it('refuses a client whose agency may not import the kind before reading a row', async () => {
    const person = (await createHousehold(db, '620702', 1)).members[0]!;
    const ndjson = `${JSON.stringify({ idNumber: person.idNumber, category: 'MINIMUM_LIVING', documentNo: 'MI-1', validFrom: '2024-01-01' })}\n`;
    const result = await run('statuses', 'medical.ndjson', ndjson, 'medical');
    expect(result.code).toBe(1);
    expect(result.summary).toBeNull();
    expect(result.stderr).toContain('a MEDICAL_INSURANCE client may not import statuses');
    expect(await db.householdStatus.count({ where: { documentNo: 'MI-1' } })).toBe(0);
    const charity = await run('persons', 'charity-persons.ndjson', '{}\n', 'charity');
    expect(charity.stderr).toContain('a CHARITY client may not import persons');
  });

  it('refuses an unknown kind or a missing client as a usage error', async () => {
    await expect(importCommand(config, ['households', 'x.csv', '--client', clients.civil!])).rejects.toThrow(UsageError);
    await expect(importCommand(config, ['statuses', 'x.csv'])).rejects.toThrow(UsageError);
  });
});

describe('hub import persons', () => {
  it('registers good rows in households, refuses bad ones, and registers nobody twice', async () => {
    const ok = makeIdNumber('620702', '1980-05-06', 123);
    const okGender = Number(ok[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
    const outside = makeIdNumber('330402', '1980-05-06', 124);
    const rows = [
      {
        idNumber: ok,
        name: '导入甲',
        gender: okGender,
        birthDate: '1980-05-06',
        residence: 'RURAL',
        regionCode: '620702',
        phone: '13800001111',
      },
      { idNumber: outside, name: '导入乙', gender: 'MALE', birthDate: '1980-05-06', residence: 'RURAL', regionCode: '330402' },
      {
        idNumber: ok.slice(0, 17) + (ok[17] === '0' ? '1' : '0'),
        name: '坏号',
        gender: 'MALE',
        birthDate: '1980-05-06',
        residence: 'RURAL',
        regionCode: '620702',
      },
      {
        idNumber: makeIdNumber('620702', '1981-01-01', 125),
        name: '日期',
        gender: 'MALE',
        birthDate: '1981-01-02',
        residence: 'RURAL',
        regionCode: '620702',
      },
    ];
    const text = rows.map((row) => JSON.stringify(row)).join('\n');
    const first = await run('persons', 'persons.ndjson', text, 'medical');
    expect(first.summary).toMatchObject({ accepted: 1, rejected: 3, unchanged: 0 });
    expect(first.rejects.map((row) => [row.line, row.field, row.code])).toEqual([
      [2, 'regionCode', 'BAD_USER_INPUT'],
      [3, 'idNumber', 'BAD_USER_INPUT'],
      [4, 'birthDate', 'BAD_USER_INPUT'],
    ]);
    const stored = await db.person.findUniqueOrThrow({ where: { idNumber: ok } });
    expect(stored).toMatchObject({ name: '导入甲', regionCode: '620702', phone: '13800001111' });
    expect(await db.household.findUnique({ where: { id: stored.householdId! } })).toMatchObject({ regionCode: '620702' });

    const again = await run('persons', 'persons.ndjson', text, 'medical');
    expect(again.summary).toMatchObject({ accepted: 0, rejected: 3, unchanged: 1 });
    expect(await db.person.count({ where: { idNumber: ok } })).toBe(1);

    const changed = await run('persons', 'changed.ndjson', JSON.stringify({ ...rows[0], name: '别名' }), 'medical');
    expect(changed.rejects).toEqual([
      { line: 1, field: 'idNumber', code: 'CONFLICT', reason: 'a person with this ID number is already registered' },
    ]);
  });
});

describe('hub import charity-aid and commercial-claims', () => {
  it("records a charity's aid to the persons referred to it only, once", async () => {
    const [referred, other] = (await createHousehold(db, '620702', 2)).members;
    await refer(db, referred!.id, clients.charity!, clients.civil!);
    await refer(db, other!.id, clients.otherCharity!, clients.civil!);
    const csv = [
      'idNumber,personId,amount,paidOn,reference,claimId,note',
      `${referred!.idNumber},,1200.50,2024-03-01,AID-1,C-9,助医`,
      `,${other!.id},300.00,2024-03-01,AID-2,,`,
      `,${referred!.id},-5,2024-03-01,AID-3,,`,
    ].join('\n');
    const first = await run('charity-aid', 'aid.csv', csv, 'charity');
    expect(first.summary).toMatchObject({ accepted: 1, rejected: 2, unchanged: 0 });
    expect(first.rejects.map((row) => [row.line, row.field, row.code])).toEqual([
      [3, 'personId', 'NOT_FOUND'],
      [4, 'amount', 'BAD_USER_INPUT'],
    ]);
    const aid = await db.charityAid.findMany({ where: { clientId: clients.charity! } });
    expect(aid.map((row) => [row.personId, row.amount.toFixed(2), row.reference, row.claimId, row.note])).toEqual([
      [referred!.id, '1200.50', 'AID-1', 'C-9', '助医'],
    ]);
    const again = await run('charity-aid', 'aid.csv', csv, 'charity');
    expect(again.summary).toMatchObject({ accepted: 0, rejected: 2, unchanged: 1 });
    const conflicting = await run('charity-aid', 'aid2.csv', csv.replace('1200.50', '1300.00'), 'charity');
    expect(conflicting.rejects[0]).toMatchObject({ line: 2, field: 'reference', code: 'CONFLICT' });
    expect(await db.charityAid.count({ where: { clientId: clients.charity! } })).toBe(1);
  });

  it("records an insurer's claims for consenting persons only, once", async () => {
    const [consenting, stranger] = (await createHousehold(db, '620702', 2)).members;
    await consent(db, consenting!.id, clients.insurer!, clients.medical!);
    const text = [
      { personId: consenting!.id, claimReference: 'CLM-1', paidOn: '2024-04-01', amount: '800.00', relatedClaimId: 'V-1' },
      { idNumber: stranger!.idNumber, claimReference: 'CLM-2', paidOn: '2024-04-01', amount: '100.00' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');
    const first = await run('commercial-claims', 'claims.ndjson', text, 'insurer');
    expect(first.summary).toMatchObject({ accepted: 1, rejected: 1 });
    expect(first.rejects).toEqual([
      { line: 2, field: 'idNumber', code: 'NOT_FOUND', reason: 'no person with this id or ID number consenting to you' },
    ]);
    const again = await run('commercial-claims', 'claims.ndjson', text, 'insurer');
    expect(again.summary).toMatchObject({ accepted: 0, rejected: 1, unchanged: 1 });
    expect(await db.commercialClaim.count({ where: { clientId: clients.insurer! } })).toBe(1);
  });
});
