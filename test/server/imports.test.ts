import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatcher, type Dispatcher } from '../../src/server/dispatcher.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let civil: { clientId: string; token: string };
let otherCivil: { clientId: string; token: string };
let charity: { clientId: string; token: string };
let person: { id: string; idNumber: string };

beforeAll(async () => {
  hub = await startTestHub({ maxImportBytes: 4_096 });
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
  otherCivil = await hub.client('CIVIL_AFFAIRS', '6207');
  charity = await hub.client('CHARITY', '');
  person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
});

afterAll(() => hub.close());

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function post(kind: string, body: string, token: string | null, contentType = 'text/csv') {
  return fetch(`${hub.origin}/imports/${kind}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

async function report(id: string, token: string) {
  const response = await fetch(`${hub.origin}/imports/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const csv = () =>
  [
    'idNumber,category,documentNo,validFrom',
    `${person.idNumber},MINIMUM_LIVING,HTTP-1,2024-01-01`,
    `${person.idNumber},RETURNED_TO_POVERTY,HTTP-2,2024-01-01`,
    `${person.idNumber},ORPHAN,HTTP-3,2024-13-01`,
  ].join('\n');

describe('POST /imports/{kind} and GET /imports/{id}', () => {
  let dispatcher: Dispatcher | undefined;
  afterAll(() => dispatcher?.stop());

  it('queues the file as a job, which a dispatcher started later runs; only the sender reads the report', async () => {
    const sent = await post('statuses', csv(), civil.token);
    expect(sent.status).toBe(202);
    const { id, status } = (await sent.json()) as { id: string; status: string };
    expect(status).toBe('QUEUED');
    expect(sent.headers.get('location')).toBe(`/imports/${id}`);
    expect(sent.headers.get('ratelimit')).toMatch(/requests/);
    // No dispatcher runs yet: the import waits in the queue, in the database (as across a restart).
    expect((await report(id, civil.token)).body).toMatchObject({ id, kind: 'statuses', status: 'QUEUED' });
    expect(await hub.db.householdStatus.count({ where: { documentNo: { startsWith: 'HTTP-' } } })).toBe(0);

    dispatcher = await startDispatcher(hub.pool, hub.repositories, hub.queue, { maxAttempts: 3, timeoutMs: 2_000, pollInterval: 200 });
    const done = await until(
      () => report(id, civil.token),
      (r) => r.body.status === 'DONE',
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'DONE', read: 3, accepted: 1, rejected: 2, unchanged: 0, error: null });
    expect(done.body.rejects).toEqual([
      { line: 3, field: 'category', code: 'FORBIDDEN', reason: 'RETURNED_TO_POVERTY is certified by RURAL_REVITALIZATION' },
      { line: 4, field: 'validFrom', code: 'BAD_USER_INPUT', reason: 'must be a real date YYYY-MM-DD' },
    ]);
    expect(await hub.db.householdStatus.count({ where: { documentNo: { startsWith: 'HTTP-' } } })).toBe(1);
    // The file is not kept once it has run.
    expect((await hub.db.importJob.findUniqueOrThrow({ where: { id } })).content).toBeNull();
    const audited = await hub.db.auditEntry.findMany({ where: { operationName: 'POST /imports/statuses' } });
    expect(audited.map((entry) => [entry.clientId, entry.personIds])).toEqual([[civil.clientId, [person.id]]]);

    // Another client, even of the same agency and jurisdiction, does not learn that the import exists.
    expect(await report(id, otherCivil.token)).toMatchObject({ status: 404, body: { errors: [{ extensions: { code: 'NOT_FOUND' } }] } });

    const again = (await (await post('statuses', csv(), civil.token)).json()) as { id: string };
    const second = await until(
      () => report(again.id, civil.token),
      (r) => r.body.status === 'DONE',
    );
    expect(second.body).toMatchObject({ accepted: 0, rejected: 2, unchanged: 1 });
    expect(await hub.db.householdStatus.count({ where: { documentNo: { startsWith: 'HTTP-' } } })).toBe(1);
  });

  it('refuses a request without a token, a kind the client may not import, an unknown kind and a file over the limit', async () => {
    const before = await hub.db.importJob.count();
    const anonymous = await post('statuses', csv(), null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forbidden = await post('statuses', csv(), charity.token);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect((await post('households', csv(), civil.token)).status).toBe(404);
    expect((await post('statuses', csv(), civil.token, 'text/plain')).status).toBe(415);
    const big = `${csv()}\n${`${person.idNumber},ORPHAN,BIG,2024-01-01\n`.repeat(200)}`;
    const tooBig = await post('statuses', big, civil.token);
    expect(tooBig.status).toBe(413);
    expect(await hub.db.importJob.count()).toBe(before);
    expect((await report('not-an-id', civil.token)).status).toBe(404);
  });
});
