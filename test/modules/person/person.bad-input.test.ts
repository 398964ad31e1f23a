import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PersonBenefitsPageDocument,
  PersonByIdDocument,
  PersonByIdNumberDocument,
  PersonsNestedDocument,
} from '../../generated/operations.js';
import { makeIdNumber } from '../../../src/shared/id-number.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let personId: string;

beforeAll(async () => {
  hub = await startTestHub();
  personId = (await createHousehold(hub.db, '620702', 1)).members[0]!.id;
});

afterAll(() => hub.close());

/** The single error of a response, checked to carry no stack trace. */
function onlyError(result: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) {
  expect(result.errors).toHaveLength(1);
  const error = result.errors![0]!;
  expect(JSON.stringify(error)).not.toMatch(/stacktrace|\.ts:\d+|at .*\(/);
  return error;
}

describe('bad input', () => {
  it('refuses a malformed ID number, naming the argument', async () => {
    const error = onlyError(await hub.request(PersonByIdNumberDocument, { idNumber: '62070219620510' }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'idNumber' });
    expect(error.message).toBe('idNumber must be 17 digits followed by a digit or X');
  });

  it('refuses an ID number with a wrong check character', async () => {
    const valid = makeIdNumber('620702', '1962-05-10', 123);
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const error = onlyError(await hub.request(PersonByIdNumberDocument, { idNumber: wrong }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'idNumber' });
    expect(error.message).toMatch(/check character/);
  });

  it('refuses an impossible date', async () => {
    const error = onlyError(await hub.request(PersonsNestedDocument, { filter: { activeOn: '2023-02-30' }, year: 2024 }));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/filter.*activeOn|activeOn/);
    expect(error.message).toMatch(/YYYY-MM-DD/);
  });

  it('refuses a cursor that is not one of this list', async () => {
    const error = onlyError(await hub.request(PersonsNestedDocument, { after: 'bm90LWEtY3Vyc29y', year: 2024 }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    const benefits = await hub.request(PersonBenefitsPageDocument, {
      id: personId,
      after: Buffer.from(`person:${personId}`).toString('base64url'),
    });
    expect(onlyError(benefits).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('refuses page sizes beyond the maximum and below one', async () => {
    expect(onlyError(await hub.request(PersonsNestedDocument, { first: 101, year: 2024 })).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
    expect(onlyError(await hub.request(PersonsNestedDocument, { first: 0, year: 2024 })).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
  });

  it('refuses an id that is not an id, and a lookup by neither or both keys', async () => {
    expect(onlyError(await hub.request(PersonByIdDocument, { id: '42' })).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect(onlyError(await hub.request(PersonByIdDocument, {})).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a malformed region prefix and year', async () => {
    expect(onlyError(await hub.request(PersonsNestedDocument, { filter: { regionPrefix: '62a' }, year: 2024 })).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'filter.regionPrefix',
    });
    // Every field taking the year refuses it: enrollments, benefits and burden.
    const { errors } = await hub.request(PersonsNestedDocument, { first: 1, year: 20240 });
    expect(errors!.map((e) => [e.path!.at(-1), e.extensions])).toEqual(
      ['enrollments', 'benefits', 'burden'].map((field) => [field, { code: 'BAD_USER_INPUT', argument: 'year' }]),
    );
  });
});

describe('authentication', () => {
  it('serves nothing without a token the hub accepts', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', 'Basic abc', `Bearer ${hub.token}x`]) {
      const response = await fetch(`${hub.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ persons { totalCount } }' }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ message: 'authentication required', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  });
});

describe('unexpected failures', () => {
  it('are masked as INTERNAL_SERVER_ERROR without detail', async () => {
    // Breaking the table under the running server makes Prisma fail in a way no resolver expects.
    await hub.pool.query('ALTER TABLE household_status RENAME TO household_status_gone');
    try {
      const result = await hub.request(PersonsNestedDocument, { first: 1, year: 2024 });
      const error = onlyError(result);
      expect(error).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(result)).not.toMatch(/household_status/);
    } finally {
      await hub.pool.query('ALTER TABLE household_status_gone RENAME TO household_status');
    }
  });
});
