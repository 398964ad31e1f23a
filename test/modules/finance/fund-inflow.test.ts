import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLines } from '../../../src/cli/fund.commands.js';
import { AuditWriter } from '../../../src/modules/audit/audit.writer.js';
import { FundInflowService } from '../../../src/modules/finance/fund-inflow.service.js';
import { RecordFundInflowDocument, type RecordFundInflowMutationVariables } from '../../generated/operations.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let finance: { clientId: string; token: string };

beforeAll(async () => {
  hub = await startTestHub();
  finance = await hub.client('FINANCE', '3304');
});

afterAll(async () => {
  await hub?.close();
});

type Input = RecordFundInflowMutationVariables['input'];
const record = (input: Input, token = finance.token, purpose = 'FUND_SUPERVISION') =>
  hub.request(RecordFundInflowDocument, { input }, { token, purpose });

describe('recording the fund’s inflows', () => {
  it('shares a district allocation 1:1 between city and district, the halves adding up to the amount', async () => {
    const response = await record({
      regionCode: '330402',
      year: 2024,
      month: 3,
      amount: '100000.01',
      reference: 'JX-2024-03-330402',
      splitCityDistrict: true,
      documentNo: '嘉财社〔2024〕7号',
    });
    expect(response.errors).toBeUndefined();
    const rows = response.data!.recordFundInflow;
    expect(rows.map((row) => [row.level, row.amount, row.reference])).toEqual([
      ['CITY', '50000.01', 'JX-2024-03-330402/CITY'],
      ['COUNTY', '50000.00', 'JX-2024-03-330402/COUNTY'],
    ]);
    const { rows: stored } = await hub.pool.query(
      `SELECT sum(amount)::text AS total FROM fund_inflow WHERE reference LIKE 'JX-2024-03-330402/%'`,
    );
    expect(stored[0].total).toBe('100000.01');
  });

  it('answers a retry with what is stored, and a changed retry with CONFLICT', async () => {
    const input: Input = {
      regionCode: '330411',
      year: 2024,
      month: 1,
      level: 'CENTRAL',
      amount: '250000.00',
      reference: 'C-2024-01-330411',
    };
    const first = await record(input);
    const again = await record(input);
    expect(again.data!.recordFundInflow.map((row) => row.id)).toEqual(first.data!.recordFundInflow.map((row) => row.id));
    const changed = await record({ ...input, amount: '250000.10' });
    expect(changed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', argument: 'input.reference' });
    const { rows } = await hub.pool.query(`SELECT count(*)::int AS n FROM fund_inflow WHERE reference = 'C-2024-01-330411'`);
    expect(rows[0].n).toBe(1);
  });

  it('writes each recording’s audit entry, naming the inflows', async () => {
    const response = await record({
      regionCode: '330421',
      year: 2024,
      month: 2,
      level: 'PROVINCIAL',
      amount: '1.00',
      reference: 'P-audit',
    });
    const id = response.data!.recordFundInflow[0]!.id;
    const { rows } = await hub.pool.query('SELECT outcome, fields FROM audit_entry WHERE client_id = $1 AND $2 = ANY(fields)', [
      finance.clientId,
      `FundInflow:${id}`,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].outcome).toBe('SUCCESS');
  });

  it.each([
    [{ regionCode: '620702' }, 'input.regionCode'],
    [{ regionCode: '3304' }, 'input.regionCode'],
    [{ month: 13 }, 'input.month'],
    [{ amount: '0.00' }, 'input.amount'],
    [{ level: null }, 'input.level'],
    [{ reference: 'has spaces in it' }, 'input.reference'],
    [{ splitCityDistrict: true }, 'input.level'],
    [{ splitCityDistrict: true, level: null, regionCode: '330400' }, 'input.regionCode'],
  ] as [Partial<Input>, string][])('refuses %j as bad input on %s, writing nothing', async (change, argument) => {
    const before = (await hub.pool.query('SELECT count(*)::int AS n FROM fund_inflow')).rows[0].n;
    const response = await record({
      regionCode: '330402',
      year: 2024,
      month: 5,
      level: 'CITY',
      amount: '10.00',
      reference: `bad-${argument}`,
      ...change,
    });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect((await hub.pool.query('SELECT count(*)::int AS n FROM fund_inflow')).rows[0].n).toBe(before);
  });

  it.each(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'ANALYST', 'AUDITOR'] as const)('does not exist for %s', async (agency) => {
    const { token } = await hub.client(agency, '3304');
    const purpose = {
      MEDICAL_INSURANCE: 'SETTLEMENT',
      CIVIL_AFFAIRS: 'ASSISTANCE_ELIGIBILITY',
      ANALYST: 'POLICY_EVALUATION',
      AUDITOR: 'AUDIT',
    }[agency];
    const response = await record(
      { regionCode: '330402', year: 2024, month: 5, level: 'CITY', amount: '10.00', reference: `denied-${agency}` },
      token,
      purpose,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a request that declares no purpose', async () => {
    const response = await hub.request(
      RecordFundInflowDocument,
      { input: { regionCode: '330402', year: 2024, month: 5, level: 'CITY', amount: '10.00', reference: 'no-purpose' } },
      { token: finance.token, purpose: null },
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'X-Purpose' });
  });
});

describe('importing allocations', () => {
  const principal = () => ({
    clientId: finance.clientId,
    agency: 'FINANCE' as const,
    jurisdiction: '3304',
    purposes: ['FUND_SUPERVISION' as const],
    jti: 'cli',
  });
  const service = () =>
    new FundInflowService(
      hub.repositories.fundInflows,
      principal(),
      new AuditWriter(hub.repositories.audit, {
        clientId: finance.clientId,
        agency: 'FINANCE',
        jti: null,
        purpose: 'FUND_SUPERVISION',
        operationName: 'import',
        documentHash: null,
      }),
    );

  it('reads CSV with a header and NDJSON alike', () => {
    const csv = parseLines('regionCode,year,month,level,amount,reference\n330402,2024,6,CENTRAL,10.00,r1\n\n');
    const ndjson = parseLines('{"regionCode":"330402","year":2024,"month":6,"level":"CENTRAL","amount":"10.00","reference":"r1"}\n');
    expect(csv).toEqual([{ regionCode: '330402', year: '2024', month: '6', level: 'CENTRAL', amount: '10.00', reference: 'r1' }]);
    expect(ndjson[0]).toMatchObject({ regionCode: '330402', amount: '10.00' });
  });

  it('stores every good line whole, reports the bad ones by line and field, and adds nothing when run again', async () => {
    const lines = parseLines(
      [
        'regionCode,year,month,level,amount,reference,splitCityDistrict',
        '330424,2024,6,CENTRAL,300000.00,imp-1,',
        '330424,2024,6,,80000.00,imp-2,true',
        '330424,2024,13,CENTRAL,1.00,imp-3,',
        '999999,2024,6,CENTRAL,1.00,imp-4,',
        '330424,2024,6,CENTRAL,12.345,imp-5,',
      ].join('\n'),
    );
    const report = await service().importLines(lines);
    expect(report.recorded).toBe(2);
    expect(report.rejected).toEqual([
      { line: 3, argument: 'input.month', message: expect.any(String) },
      { line: 4, argument: 'input.regionCode', message: expect.any(String) },
      { line: 5, argument: 'input.amount', message: expect.any(String) },
    ]);
    const { rows } = await hub.pool.query(`SELECT count(*)::int AS n FROM fund_inflow WHERE reference LIKE 'imp-%'`);
    expect(rows[0].n).toBe(3);
    const again = await service().importLines(lines);
    expect([again.recorded, again.unchanged, again.rejected.length]).toEqual([0, 2, 3]);
  });
});
