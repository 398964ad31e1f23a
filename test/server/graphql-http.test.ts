import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(() => hub.close());

async function post(query: string): Promise<Response> {
  return fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.token}`, 'x-purpose': 'ASSISTANCE_ELIGIBILITY' },
    body: JSON.stringify({ query }),
  });
}

describe('GraphQL over HTTP', () => {
  it('tells every cache not to store an answer, with data or with errors', async () => {
    const data = await post('{ persons(first: 1) { totalCount } }');
    expect(data.status).toBe(200);
    expect(data.headers.get('cache-control')).toBe('no-store');
    const failed = await post('{ persons(first: 0) { totalCount } }');
    expect(((await failed.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });
});
