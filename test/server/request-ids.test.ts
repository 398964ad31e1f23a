import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDispatcher } from '../../src/server/dispatcher.js';
import { inpatientClaim, SETTLE } from '../support/claims.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { startReceiver } from '../support/receiver.js';

let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };

/** POSTs an operation with the given headers; the answer's status, X-Request-Id and body. */
async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(`${hub.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    body: (await response.json()) as { errors?: unknown[] },
  };
}

/** The request ids of the audit entries appended while `work` runs, in order. */
async function requestIdsOf(work: () => Promise<unknown>): Promise<{ request_id: string | null; outcome: string; event: string | null }[]> {
  const { rows: before } = await hub.pool.query<{ seq: string }>('SELECT COALESCE(max(seq), 0)::text AS seq FROM audit_entry');
  await work();
  const { rows } = await hub.pool.query<{ request_id: string | null; outcome: string; event: string | null }>(
    'SELECT request_id, outcome, event FROM audit_entry WHERE seq > $1 ORDER BY seq',
    [before[0]!.seq],
  );
  return rows;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  hub = await startTestHub({ webhookMaxAttempts: 3, webhookAllowPrivate: true });
  receiver = await startReceiver();
  insurance = await hub.client('MEDICAL_INSURANCE', '62');
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
});

afterAll(async () => {
  await receiver.close();
  await hub.close();
});

describe('request ids', () => {
  it('are in every audit entry: a read, a refusal and a security event, given or generated', async () => {
    const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    const read = `query ($id: ID) { person(id: $id) { id } }`;
    const auth = { authorization: `Bearer ${insurance.token}` };
    let generated: string | null = null;
    const entries = await requestIdsOf(async () => {
      await post(read, { id: person.id }, { ...auth, 'x-purpose': 'ASSISTANCE_ELIGIBILITY', 'x-request-id': 'trace-read-1' });
      await post(read, { id: person.id }, { ...auth, 'x-purpose': 'CHARITY_AID', 'x-request-id': 'trace-denied-1' });
      await post(read, { id: person.id }, { authorization: 'Bearer not.a.token', 'x-request-id': 'trace-401' });
      generated = (await post(read, { id: person.id }, { ...auth, 'x-purpose': 'ASSISTANCE_ELIGIBILITY' })).requestId;
    });
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(entries).toEqual([
      { request_id: 'trace-read-1', outcome: 'SUCCESS', event: null },
      { request_id: 'trace-denied-1', outcome: 'DENIED', event: null },
      { request_id: 'trace-401', outcome: 'DENIED', event: 'AUTHENTICATION_FAILED' },
      { request_id: generated, outcome: 'SUCCESS', event: null },
    ]);
  });

  it('are shown to the auditor with the entry', async () => {
    const auditor = await hub.client('AUDITOR', '');
    await post(
      '{ persons(first: 1) { totalCount } }',
      {},
      { authorization: `Bearer ${insurance.token}`, 'x-purpose': 'ASSISTANCE_ELIGIBILITY', 'x-request-id': 'trace-shown-1' },
    );
    const answer = await hub.requestText('{ auditLog(first: 5) { edges { node { requestId operationName } } } }', undefined, {
      token: auditor.token,
      purpose: 'AUDIT',
    });
    expect(answer.errors).toBeUndefined();
    const nodes = (answer.data!.auditLog as { edges: { node: { requestId: string | null } }[] }).edges.map((edge) => edge.node.requestId);
    expect(nodes).toContain('trace-shown-1');
  });

  it('go with the jobs an operation queues: their log lines and the entries they append carry the operation’s id', async () => {
    const registered = await hub.requestText(
      'mutation ($url: String!) { registerWebhook(url: $url) { webhook { id } } }',
      { url: receiver.url },
      {
        token: civil.token,
        purpose: 'MONITORING_FOLLOW_UP',
      },
    );
    expect(registered.errors).toBeUndefined();
    const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
    const settled = await post(
      SETTLE,
      { input: inpatientClaim(person.id, 'C-TRACE-1') },
      { authorization: `Bearer ${insurance.token}`, 'x-purpose': 'SETTLEMENT', 'x-request-id': 'trace-settle-1' },
    );
    expect(settled.body.errors).toBeUndefined();
    const { rows: queued } = await hub.pool.query<{ task: string; request_id: string }>(
      // The payload is in graphile-worker's private table (its jobs view leaves it out).
      `SELECT t.identifier AS task, j.payload->>'requestId' AS request_id
       FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id`,
    );
    expect(queued).toEqual([{ task: 'deliver_alert', request_id: 'trace-settle-1' }]);

    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    });
    receiver.setMode('fail');
    const dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, {
      maxAttempts: 3,
      timeoutMs: 2_000,
      pollInterval: 100,
    });
    try {
      const failure = await until(
        async () =>
          lines.flatMap((text) => text.split('\n')).filter((line) => line.includes('Failed task') && line.includes('deliver_webhook')),
        (found) => found.length > 0,
      );
      expect(JSON.parse(failure[0]!)).toMatchObject({ level: 'warn', requestId: 'trace-settle-1' });
      const entries = await requestIdsOf(async () => {
        receiver.setMode('ok');
        await hub.db.$executeRaw`SELECT graphile_worker.reschedule_jobs(array(SELECT id FROM graphile_worker.jobs), run_at => now())`;
        await until(
          () => hub.db.webhookDelivery.count({ where: { status: 'DELIVERED' } }),
          (delivered) => delivered === 1,
        );
      });
      expect(entries.map((entry) => entry.request_id)).toEqual(['trace-settle-1']);
    } finally {
      spy.mockRestore();
      await dispatcher.stop();
    }
  });
});
