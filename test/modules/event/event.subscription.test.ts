import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Readable } from 'node:stream';
import type { Principal } from '../../../src/auth/principal.js';
import { readRows } from '../../../src/modules/import/import.reader.js';
import { ImportService } from '../../../src/modules/import/import.service.js';
import { EXCHANGE_EVENT } from '../../../src/server/alert-feed.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let civil: { clientId: string; token: string };
let otherCivil: { clientId: string; token: string };
let insurance: { clientId: string; token: string };
let jiaxingInsurance: { clientId: string; token: string };
let revitalization: { clientId: string; token: string };

const EVENTS = 'subscription Events { exchangeEvent { id kind subjectId occurredAt personId regionCode decision decisionNote } }';
const CERTIFY = `mutation ($input: CertificationInput!) { certifyStatus(input: $input) { id } }`;
const SUBMIT = `mutation ($input: ApplicationInput!) { submitApplication(input: $input) { id } }`;
const DECIDE = `mutation ($id: ID!, $d: ApplicationDecision!, $note: String) { decideApplication(id: $id, decision: $d, note: $note) { id } }`;
const ELIGIBILITY = 'ASSISTANCE_ELIGIBILITY';

interface Subscriber {
  events: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  failure: { code?: number } | GraphQLFormattedError[] | undefined;
}

const connections: Client[] = [];

/** Subscribes over a WebSocket of its own; resolves once the hub listens for its events (or refused it). */
async function subscribe(token: string, purpose = ELIGIBILITY): Promise<Subscriber> {
  const listening = hub.pubSub.listenerCount(EXCHANGE_EVENT);
  const connection = createClient({
    url: hub.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}`, purpose },
    retryAttempts: 0,
  });
  connections.push(connection);
  const subscriber: Subscriber = { events: [], failure: undefined };
  connection.subscribe(
    { query: EVENTS },
    {
      next: (result) => void subscriber.events.push(result),
      error: (error) => void (subscriber.failure = error as Subscriber['failure']),
      complete: () => {},
    },
  );
  await vi.waitFor(() => expect(hub.pubSub.listenerCount(EXCHANGE_EVENT) > listening || subscriber.failure !== undefined).toBe(true));
  return subscriber;
}

const kinds = (subscriber: Subscriber) =>
  subscriber.events.map((e) => {
    const event = e.data?.exchangeEvent as { kind: string; subjectId: string };
    return [event.kind, event.subjectId];
  });

beforeAll(async () => {
  hub = await startTestHub();
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
  otherCivil = await hub.client('CIVIL_AFFAIRS', '6207');
  insurance = await hub.client('MEDICAL_INSURANCE', '6207');
  jiaxingInsurance = await hub.client('MEDICAL_INSURANCE', '3304');
  revitalization = await hub.client('RURAL_REVITALIZATION', '6207');
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.dispose()));
  await vi.waitFor(() => expect(hub.pubSub.listenerCount(EXCHANGE_EVENT)).toBe(0));
});

afterAll(() => hub?.close());

describe('exchangeEvent: the subscription twin of the exchange webhooks', () => {
  it('pushes a certification to medical insurance of the rows, a decision to its submitter only, each once', async () => {
    const zhangye = await subscribe(insurance.token);
    const jiaxing = await subscribe(jiaxingInsurance.token);
    const submitter = await subscribe(civil.token);
    const bystander = await subscribe(otherCivil.token);

    const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
    const certified = await hub.requestText(
      CERTIFY,
      { input: { personId: person.id, category: 'MINIMUM_LIVING', class: 2, documentNo: 'SUB-EV-1', validFrom: '2024-03-01' } },
      { token: civil.token, purpose: ELIGIBILITY },
    );
    expect(certified.errors).toBeUndefined();
    const statusId = (certified.data!.certifyStatus as { id: string }).id;
    // Civil affairs submits, rural revitalization decides (分办转办).
    const submitted = await hub.requestText(
      SUBMIT,
      { input: { personId: person.id, category: 'AT_RISK_MONITORED', periodFrom: '2024-04-01' } },
      { token: civil.token, purpose: ELIGIBILITY },
    );
    expect(submitted.errors).toBeUndefined();
    const applicationId = (submitted.data!.submitApplication as { id: string }).id;
    const decided = await hub.requestText(
      DECIDE,
      { id: applicationId, d: 'APPROVED', note: '监测对象, 2024-04 起' },
      { token: revitalization.token, purpose: ELIGIBILITY },
    );
    expect(decided.errors).toBeUndefined();

    await vi.waitFor(() => expect(zhangye.events).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(submitter.events).toHaveLength(1), { timeout: 15_000 });
    expect(zhangye.events[0]!.data!.exchangeEvent).toEqual({
      id: expect.any(String),
      kind: 'certification.granted',
      subjectId: statusId,
      occurredAt: expect.any(String),
      personId: person.id,
      regionCode: '620702',
      decision: null,
      decisionNote: null,
    });
    expect(kinds(submitter)).toEqual([['application.decided', applicationId]]);
    // The submitter hears the decision itself, not only that there is one.
    expect(submitter.events[0]!.data!.exchangeEvent).toMatchObject({ decision: 'APPROVED', decisionNote: '监测对象, 2024-04 起' });
    // A moment for anything else to arrive: nothing more for anyone, nothing at all for the others.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kinds(zhangye)).toEqual([['certification.granted', statusId]]);
    expect(jiaxing.events).toEqual([]);
    expect(bystander.events).toEqual([]);
    // Each push is audited as the receiver's read of the person.
    const audited = await hub.db.auditEntry.findMany({
      where: { clientId: { in: [insurance.clientId, civil.clientId] }, personIds: { has: person.id }, operationName: 'Events' },
    });
    expect(audited.map((entry) => entry.clientId).sort()).toEqual([insurance.clientId, civil.clientId].sort());
  });

  it('pushes each certification of an imported batch (one NOTIFY for the batch) once, to the rows that hold its person', async () => {
    const zhangye = await subscribe(insurance.token);
    const jiaxing = await subscribe(jiaxingInsurance.token);
    const persons = await Promise.all([1, 2, 3].map(async () => (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!));
    const rows = [
      'idNumber,category,class,documentNo,validFrom',
      ...persons.map((p, i) => `${p.idNumber},MINIMUM_LIVING,2,SUB-IMP-${i},2024-03-01`),
    ];
    const principal: Principal = {
      clientId: civil.clientId,
      agency: 'CIVIL_AFFAIRS',
      jurisdiction: '6207',
      purposes: [ELIGIBILITY],
      jti: '',
    };
    const report = await new ImportService(hub.db, hub.repositories.audit, hub.repositories.exchangeEvents).run(
      'statuses',
      readRows(Readable.from([rows.join('\n')]), 'csv'),
      principal,
    );
    expect(report).toMatchObject({ accepted: 3 });
    const statuses = await hub.db.householdStatus.findMany({ where: { documentNo: { startsWith: 'SUB-IMP-' } } });
    await vi.waitFor(() => expect(zhangye.events).toHaveLength(3), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kinds(zhangye).sort()).toEqual(statuses.map((status) => ['certification.granted', status.id]).sort());
    expect(jiaxing.events).toEqual([]);
  });

  it('is not there for an agency that receives no exchange events, nor without the eligibility purpose', async () => {
    const rural = await subscribe(revitalization.token);
    await vi.waitFor(() => expect(rural.failure).toBeDefined());
    expect((rural.failure as GraphQLFormattedError[])[0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const wrongPurpose = await subscribe(insurance.token, 'SETTLEMENT');
    await vi.waitFor(() => expect(wrongPurpose.failure).toBeDefined());
    expect((wrongPurpose.failure as GraphQLFormattedError[])[0]!.extensions?.code).toBe('FORBIDDEN');
  });
});
