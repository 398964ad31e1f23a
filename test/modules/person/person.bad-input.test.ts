import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PersonBenefitsPageDocument,
  PersonByIdDocument,
  PersonByIdNumberDocument,
  PersonsNestedDocument,
} from '../../generated/operations.js';
import { ClientRepository } from '../../../src/auth/client.repository.js';
import { TokenService } from '../../../src/auth/token.service.js';
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

  it('refuses page sizes beyond the maximum of 1 000 and below one', async () => {
    expect(onlyError(await hub.request(PersonBenefitsPageDocument, { id: personId, first: 1001 })).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
    const persons = (first: number) => hub.requestText('query ($first: Int) { persons(first: $first) { totalCount } }', { first });
    expect(onlyError(await persons(1001)).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
    expect(onlyError(await persons(0)).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
  });

  it('serves a page of 1 000, for agencies that sync their rows', async () => {
    const page = await hub.request(PersonBenefitsPageDocument, { id: personId, first: 1000 });
    expect(page.errors).toBeUndefined();
    expect(page.data?.person?.benefits?.pageInfo.hasNextPage).toBe(false);
    const persons = await hub.requestText('{ persons(first: 1000) { totalCount edges { node { id } } } }');
    expect(persons.errors).toBeUndefined();
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
  /** The status, challenge and body of a query sent with `authorization`. */
  async function challenged(authorization: string | undefined) {
    const response = await fetch(`${hub.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: '{ persons { totalCount } }' }),
    });
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
  }

  it('asks for a bearer token, without an error, when the request carries none', async () => {
    for (const authorization of [undefined, 'Basic abc']) {
      expect(await challenged(authorization)).toEqual({
        status: 401,
        challenge: 'Bearer realm="medical-assistance-hub"',
        body: { errors: [{ message: 'authentication required', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
  });

  it('answers invalid_token to a token the hub never issued', async () => {
    for (const authorization of ['Bearer wrong-token-wrong-token', `Bearer ${hub.token}x`]) {
      expect(await challenged(authorization)).toEqual({
        status: 401,
        challenge: 'Bearer realm="medical-assistance-hub", error="invalid_token", error_description="the token is not valid"',
        body: { errors: [{ message: 'the token is not valid', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
  });

  it('answers invalid_token saying the token expired to a genuine token past its expiry', async () => {
    const { clientId, clientSecret } = await hub.clients.create({ name: 'Expiring', agency: 'MEDICAL_INSURANCE', jurisdiction: '62' });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    const past = new TokenService(new ClientRepository(hub.db), hub.keys, { ttlSeconds: 60, clock: () => twoHoursAgo });
    const expired = (await past.issue(clientId, clientSecret))!.access_token;
    // Sanity: the same token is accepted at the time it was issued, so only its age can be the cause.
    expect(await past.authenticate(`Bearer ${expired}`)).toBeDefined();
    expect(await challenged(`Bearer ${expired}`)).toEqual({
      status: 401,
      challenge: 'Bearer realm="medical-assistance-hub", error="invalid_token", error_description="the token expired"',
      body: { errors: [{ message: 'the token expired', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });
});
