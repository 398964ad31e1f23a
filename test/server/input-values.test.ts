import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inpatientVisit } from '../support/claims.js';
import { certify, createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let zhangye: { clientId: string; token: string };
let personId: string;

const ENUM_FIELDS = new Set(['visitType', 'referral', 'providerFeeClass']);

/** A JS value as a GraphQL literal: strings quoted, the VisitInput's enum fields bare. */
function literal(value: unknown, key = ''): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([name, item]) => `${name}: ${literal(item, name)}`)
      .join(', ')} }`;
  }
  if (typeof value === 'string' && ENUM_FIELDS.has(key)) return value;
  return JSON.stringify(value);
}

const FIELDS = '{ assistancePaid }';

/** The one error of a quote of `visit`, sent three ways: as a literal, as one variable, and with `serviceDate` as its own variable. */
async function quoteThreeWays(visit: Record<string, unknown>) {
  const options = { token: zhangye.token, purpose: 'SETTLEMENT' };
  const asLiteral = await hub.requestText(`query { quoteSettlement(input: ${literal(visit)}) ${FIELDS} }`, undefined, options);
  const asVariable = await hub.requestText(
    `query ($input: VisitInput!) { quoteSettlement(input: $input) ${FIELDS} }`,
    { input: visit },
    options,
  );
  const { serviceDate, ...rest } = visit;
  const inner = await hub.requestText(
    `query ($date: Date!) { quoteSettlement(input: ${literal(rest).replace(/ }$/, ', serviceDate: $date }')}) ${FIELDS} }`,
    { date: serviceDate },
    options,
  );
  return [asLiteral, asVariable, inner].map((response) => ({ status: response.status, errors: response.errors }));
}

beforeAll(async () => {
  hub = await startTestHub();
  zhangye = await hub.client('MEDICAL_INSURANCE', '6207');
  personId = (await createHousehold(hub.db, '620702', 1)).members[0]!.id;
  await certify(hub.db, personId, 'MINIMUM_LIVING', '2020-01-01', { class: 1 });
});

afterAll(() => hub.close());

describe('a bad argument value', () => {
  it('answers the same for an impossible date written in the document and sent as a variable, naming input.serviceDate', async () => {
    const answers = await quoteThreeWays(inpatientVisit(personId, { serviceDate: '2024-02-30' }));
    const expected = {
      status: 400,
      errors: [
        {
          message: 'input.serviceDate: Date must be a real calendar date written YYYY-MM-DD, got "2024-02-30"',
          extensions: { code: 'BAD_USER_INPUT', argument: 'input.serviceDate' },
        },
      ],
    };
    expect(
      answers.map(({ status, errors }) => ({ status, errors: errors?.map(({ message, extensions }) => ({ message, extensions })) })),
    ).toEqual([expected, expected, expected]);
  });

  it('answers the same for an amount, an enum value, a missing field, a null and a field the schema lacks, either way', async () => {
    const visit = inpatientVisit(personId);
    const { diagnosis: _left, ...withoutDiagnosis } = visit;
    // A field the schema lacks is a name it does not have, as in a selection: a validation failure (and a security event).
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...visit, totalCost: '12.345' }, 'input.totalCost', 'BAD_USER_INPUT'],
      [{ ...visit, visitType: 'SURGERY' }, 'input.visitType', 'BAD_USER_INPUT'],
      [withoutDiagnosis, 'input.diagnosis', 'BAD_USER_INPUT'],
      [{ ...visit, inProvince: null }, 'input.inProvince', 'BAD_USER_INPUT'],
      [{ ...visit, ward: 'A' }, 'input.ward', 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [input, argument, code] of cases) {
      const [asLiteral, asVariable] = await quoteThreeWays(input);
      const extensions = { code, argument };
      expect(
        asLiteral!.errors?.map((e) => e.extensions),
        argument,
      ).toEqual([extensions]);
      expect(
        asVariable!.errors?.map((e) => e.extensions),
        argument,
      ).toEqual([extensions]);
      expect([asLiteral!.status, asVariable!.status], argument).toEqual([400, 400]);
      expect(asLiteral!.errors![0]!.message.split(';')[0], argument).toBe(asVariable!.errors![0]!.message.split(';')[0]);
    }
  });

  it('names the element of a list and a top-level argument by their paths', async () => {
    const options = { token: zhangye.token, purpose: 'SETTLEMENT' };
    const query = `query ($on: Date) { regionConfig(regionCode: "6207", year: 2024, on: $on) { id } }`;
    const variable = await hub.requestText(query, { on: '2024-13-01' }, options);
    const written = await hub.requestText(`{ regionConfig(regionCode: "6207", year: 2024, on: "2024-13-01") { id } }`, undefined, options);
    expect(variable.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'on' });
    expect(written.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'on' });
    const list = await hub.requestText(
      'mutation ($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }',
      {
        input: {
          regionCode: '6207',
          year: 2024,
          caps: [
            { category: 'MINIMUM_LIVING', amount: '1.00' },
            { category: 'EXTREME_POVERTY', amount: 'x' },
          ],
        },
      },
      options,
    );
    expect(list.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.caps[1].amount' });
  });

  it('refuses before anything runs, and audits the refusal of an operation on personal data as FAILED', async () => {
    const before = await hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entry WHERE client_id = $1', [
      zhangye.clientId,
    ]);
    await quoteThreeWays(inpatientVisit(personId, { serviceDate: '2024-02-30' }));
    const { rows } = await hub.pool.query<{ outcome: string; error: string }>(
      'SELECT outcome, error FROM audit_entry WHERE client_id = $1 ORDER BY seq OFFSET $2',
      [zhangye.clientId, before.rows[0]!.n],
    );
    expect(rows).toEqual(Array(3).fill({ outcome: 'FAILED', error: expect.stringMatching(/^input\.serviceDate: /) }));
  });

  it('keeps a document naming what the schema lacks a validation failure', async () => {
    const response = await hub.requestText(
      `query { quoteSettlement(input: ${literal(inpatientVisit(personId))}) { nonsense } }`,
      undefined,
      {
        token: zhangye.token,
        purpose: 'SETTLEMENT',
      },
    );
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
