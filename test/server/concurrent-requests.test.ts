import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_LIMITS } from '../../src/auth/limits-policy.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  for (let i = 0; i < 20; i++) await createHousehold(hub.db, '620702', 3);
});

afterAll(() => hub?.close());

const QUERY = '{ persons(first: 50) { totalCount edges { node { id name household { members { id name } } } } } }';

/** Sends `count` requests at once with one token; the status, code and Retry-After of each. */
async function burst(token: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'ASSISTANCE_ELIGIBILITY' },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      return { status: response.status, code: body.errors?.[0]?.extensions?.code, retryAfter: response.headers.get('retry-after') };
    }),
  );
}

describe('concurrent requests per client', () => {
  it('refuses with 429 RATE_LIMITED the operations beyond the client’s slots, and gives the slots back', async () => {
    const { token } = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { trustedDocumentsOnly: false, concurrentRequests: 1 });
    const answers = await burst(token, 8);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.some((answer) => answer.status === 200)).toBe(true);
    for (const answer of refused) expect(answer).toMatchObject({ code: 'RATE_LIMITED', retryAfter: '1' });
    // Every slot came back, refused or answered: one at a time always goes through.
    for (let i = 0; i < 3; i++) expect((await burst(token, 1))[0]!.status).toBe(200);
  });

  it('counts each client’s slots apart: another client’s burst within its slots is served whole', async () => {
    const { token: busy } = await hub.client('MEDICAL_INSURANCE', '6207', undefined, {
      trustedDocumentsOnly: false,
      concurrentRequests: 1,
    });
    const { token: other } = await hub.client('MEDICAL_INSURANCE', '6207', undefined, { trustedDocumentsOnly: false });
    const [, theirs] = await Promise.all([burst(busy, 6), burst(other, AGENCY_LIMITS.MEDICAL_INSURANCE.concurrentRequests)]);
    expect(theirs.map((answer) => answer.status)).toEqual(theirs.map(() => 200));
  });
});
