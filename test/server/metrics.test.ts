import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitRefusals } from '../../src/shared/metrics.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
const METRICS_TOKEN = 'scraper-token-for-tests';

beforeAll(async () => {
  hub = await startTestHub({ metricsToken: METRICS_TOKEN, corsOrigins: ['https://console.example.org'] });
});

afterAll(() => hub.close());

async function metrics(): Promise<string> {
  const response = await fetch(`${hub.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one sample line, e.g. `hub_graphql_requests_total{…}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function post(query: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(hub.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${hub.token}`,
      'x-purpose': 'ASSISTANCE_ELIGIBILITY',
      ...headers,
    },
    body: JSON.stringify({ query }),
  });
}

describe('request ids', () => {
  it('echo a well-formed X-Request-Id and generate one otherwise', async () => {
    const given = await post('query Given { persons(first: 1) { totalCount } }', { 'x-request-id': 'trace-abc.123' });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const none = await post('query None { persons(first: 1) { totalCount } }');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A header that could forge log lines or grow them is replaced, not echoed.
    const forged = await post('query Forged { persons(first: 1) { totalCount } }', { 'x-request-id': 'a b\tc"d' });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unauthenticated = await fetch(hub.url, { method: 'POST', headers: { 'x-request-id': 'no-token-1' } });
    expect(unauthenticated.headers.get('x-request-id')).toBe('no-token-1');
  });
});

describe('/metrics', () => {
  it('refuses a scrape without the configured token', async () => {
    expect((await fetch(`${hub.origin}/metrics`)).status).toBe(401);
    expect((await fetch(`${hub.origin}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts operations by name, agency and outcome, with latency and SQL statements per operation', async () => {
    const series = 'hub_graphql_requests_total{operation="MetricsRead",agency="MEDICAL_INSURANCE",outcome="success"}';
    const before = sample(await metrics(), series) ?? 0;
    expect((await post('query MetricsRead { persons(first: 2) { totalCount edges { node { id } } } }')).status).toBe(200);
    expect((await post('query MetricsRead { persons(first: 2) { totalCount edges { node { id } } } }')).status).toBe(200);
    // A document the schema does not have is the client's mistake: `rejected`.
    await post('query MetricsBad { persons(first: 2) { nope } }');
    const text = await metrics();
    expect(sample(text, series)).toBe(before + 2);
    expect(sample(text, 'hub_graphql_requests_total{operation="MetricsBad",agency="MEDICAL_INSURANCE",outcome="rejected"}')).toBe(1);
    expect(sample(text, 'hub_graphql_request_duration_seconds_count{operation="MetricsRead",agency="MEDICAL_INSURANCE"}')).toBe(2);
    // Two reads: each sent its SELECTs and its audit append, so the sum is well above zero and counted per request.
    expect(sample(text, 'hub_sql_statements_per_request_count{operation="MetricsRead"}')).toBe(2);
    expect(sample(text, 'hub_sql_statements_per_request_sum{operation="MetricsRead"}')).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'hub_audit_append_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'hub_http_requests_total{route="/graphql",method="POST",status="200"}')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^hub_outbox_depth \d+$/m);
    expect(text).toContain('# TYPE hub_webhook_attempts_total counter');
    expect(text).toContain('hub_process_cpu_seconds_total');
  });

  it('exposes a rate-limit refusal counter that other parts of the hub increment', async () => {
    rateLimitRefusals.inc({ limit: 'requests', agency: 'CHARITY' });
    expect(sample(await metrics(), 'hub_rate_limit_refusals_total{limit="requests",agency="CHARITY"}')).toBe(1);
  });

  it('keeps client-chosen operation names from growing the labels without bound', async () => {
    for (let i = 0; i < 210; i += 1) await post(`query Flood${i} { __typename }`);
    const text = await metrics();
    const names = new Set([...text.matchAll(/hub_graphql_requests_total\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect(names.has('other')).toBe(true);
    names.delete('other');
    names.delete('anonymous');
    expect(names.size).toBe(200);
  });
});

describe('CORS', () => {
  it('answers a preflight from a listed origin without a token, and refuses others', async () => {
    const preflight = (origin: string) =>
      fetch(hub.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-purpose' },
      });
    const listed = await preflight('https://console.example.org');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://console.example.org');
    expect(listed.headers.get('access-control-allow-headers')).toContain('x-purpose');
    const other = await preflight('https://evil.example.com');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await post('query Cors { __typename }', { origin: 'https://console.example.org' });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://console.example.org');
    expect(
      (await post('query Cors { __typename }', { origin: 'https://evil.example.com' })).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });
});
