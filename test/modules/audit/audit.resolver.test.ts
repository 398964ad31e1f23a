import 'reflect-metadata';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResolver, type AuditQueryContext } from '../../../src/modules/audit/audit.resolver.js';
import { AuditQueryService } from '../../../src/modules/audit/audit.service.js';
import { createHousehold } from '../../support/factory.js';
import { openAuditDatabase, type AuditDatabase } from './audit.fixtures.js';

let audit: AuditDatabase;
let schema: GraphQLSchema;
let gansu: string[];
let shanxi: string;
let clientId: string;
let entryTimes: Date[];

const LOG = `query Log($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { seq at clientId clientName agency jti purpose operationName documentHash personIds fields outcome error prevHash hash } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const HISTORY = `query History($personId: ID!, $first: Int, $after: String) {
  accessHistory(personId: $personId, first: $first, after: $after) {
    edges { cursor node { at clientId clientName agency purpose operationName fields outcome } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface Node {
  seq: string;
  operationName: string;
  personIds: string[];
  [field: string]: unknown;
}

/** Runs a query as an auditor of `jurisdiction` ('' for the whole country). */
async function run(source: string, variableValues: Record<string, unknown>, jurisdiction = '') {
  const contextValue: AuditQueryContext = { audit: new AuditQueryService(audit.repository, jurisdiction) };
  return (await graphql({ schema, source, variableValues, contextValue })) as ExecutionResult<{
    auditLog: Page<Node>;
    accessHistory: Page<Node>;
  }>;
}

beforeAll(async () => {
  audit = await openAuditDatabase();
  schema = await buildSchema({ resolvers: [AuditResolver], validate: false });
  gansu = (await createHousehold(audit.db, '620702', 2)).members.map((m) => m.id);
  shanxi = (await createHousehold(audit.db, '140105', 1)).members[0]!.id;
  clientId = (
    await audit.db.client.create({
      data: { name: '张掖市民政局', agency: 'CIVIL_AFFAIRS', jurisdiction: '6207', purposes: ['ASSISTANCE_ELIGIBILITY'] },
    })
  ).id;
  const operation = {
    clientId,
    agency: 'CIVIL_AFFAIRS',
    jti: 'j',
    purpose: 'ASSISTANCE_ELIGIBILITY',
    documentHash: '12'.repeat(32),
  } as const;
  // seq 1..5, oldest first.
  const rows = [
    await audit.repository.append({
      ...operation,
      operationName: 'One',
      personIds: [gansu[0]!],
      fields: ['Person.name'],
      outcome: 'SUCCESS',
    }),
    await audit.repository.append({
      ...operation,
      operationName: 'Both',
      personIds: gansu,
      fields: ['Person.idNumber'],
      outcome: 'SUCCESS',
    }),
    await audit.repository.append({ operationName: 'Anonymous', outcome: 'DENIED', error: 'authentication required' }),
    await audit.repository.append({
      ...operation,
      operationName: 'Mixed',
      personIds: [gansu[1]!, shanxi],
      fields: ['Person.name'],
      outcome: 'SUCCESS',
    }),
    await audit.repository.append({
      ...operation,
      operationName: 'Far',
      personIds: [shanxi],
      fields: ['Person.phone'],
      outcome: 'FAILED',
      error: 'boom',
    }),
  ];
  entryTimes = rows.map((r) => r.at);
});

afterAll(() => audit.close());

describe('auditLog', () => {
  it('pages newest first by seq, with cursors that continue where the last page ended', async () => {
    const first = await run(LOG, { first: 2 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.auditLog;
    expect(page1.edges.map((e) => e.node.seq)).toEqual(['5', '4']);
    expect(page1.pageInfo).toEqual({ hasNextPage: true, endCursor: page1.edges[1].cursor });
    const page2 = (await run(LOG, { first: 2, after: page1.pageInfo.endCursor })).data!.auditLog;
    expect(page2.edges.map((e) => e.node.seq)).toEqual(['3', '2']);
    const page3 = (await run(LOG, { first: 2, after: page2.pageInfo.endCursor })).data!.auditLog;
    expect(page3.edges.map((e) => e.node.seq)).toEqual(['1']);
    expect(page3.pageInfo).toEqual({ hasNextPage: false, endCursor: page3.edges[0].cursor });
  });

  it('shows the whole entry with the name of its client', async () => {
    const { data } = await run(LOG, { first: 5 });
    const [far, , denied] = data!.auditLog.edges.map((e) => e.node);
    expect(far).toEqual({
      seq: '5',
      at: entryTimes[4]!.toISOString(),
      clientId,
      clientName: '张掖市民政局',
      agency: 'CIVIL_AFFAIRS',
      jti: 'j',
      purpose: 'ASSISTANCE_ELIGIBILITY',
      operationName: 'Far',
      documentHash: '12'.repeat(32),
      personIds: [shanxi],
      fields: ['Person.phone'],
      outcome: 'FAILED',
      error: 'boom',
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(denied).toMatchObject({ clientId: null, clientName: null, agency: null, purpose: null, personIds: [], outcome: 'DENIED' });
  });

  it('filters by client, person, outcome and time', async () => {
    const seqs = async (filter: Record<string, unknown>) => (await run(LOG, { filter })).data!.auditLog.edges.map((e) => e.node.seq);
    expect(await seqs({ clientId })).toEqual(['5', '4', '2', '1']);
    expect(await seqs({ clientId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' })).toEqual([]);
    expect(await seqs({ personId: gansu[1] })).toEqual(['4', '2']);
    expect(await seqs({ outcome: 'DENIED' })).toEqual(['3']);
    const from = entryTimes[1]!;
    const to = new Date(entryTimes[3]!.getTime() + 1);
    // Entries appended within one millisecond share a time, so the expectation is computed from the stored times.
    const inRange = entryTimes.flatMap((at, i) => (at >= from && at < to ? [String(i + 1)] : [])).reverse();
    expect(inRange).toEqual(expect.arrayContaining(['4', '3', '2']));
    expect(await seqs({ from: from.toISOString(), to: to.toISOString() })).toEqual(inRange);
    expect(await seqs({ to: entryTimes[0]!.toISOString() })).toEqual([]);
    expect(await seqs({ personId: shanxi, outcome: 'SUCCESS', clientId })).toEqual(['4']);
  });

  it('shows a regional auditor only entries about persons in its jurisdiction, and only their ids', async () => {
    const { data } = await run(LOG, { first: 10 }, '6207');
    const nodes = data!.auditLog.edges.map((e) => e.node);
    expect(nodes.map((n) => [n.seq, n.personIds])).toEqual([
      ['4', [gansu[1]]],
      ['2', [...gansu].sort()],
      ['1', [gansu[0]]],
    ]);
    expect((await run(LOG, { filter: { personId: shanxi } }, '6207')).data!.auditLog.edges).toEqual([]);
    expect((await run(LOG, { filter: { personId: shanxi } }, '14')).data!.auditLog.edges.map((e) => e.node.seq)).toEqual(['5', '4']);
  });

  it('refuses bad input with BAD_USER_INPUT naming the argument', async () => {
    const code = async (variables: Record<string, unknown>) => {
      const { errors } = await run(LOG, variables);
      return errors?.map((e) => [e.extensions.code, e.extensions.argument]);
    };
    expect(await code({ first: 0 })).toEqual([['BAD_USER_INPUT', 'first']]);
    expect(await code({ first: 1001 })).toEqual([['BAD_USER_INPUT', 'first']]);
    expect(await code({ first: 1000 })).toBeUndefined();
    expect(await code({ after: 'garbage' })).toEqual([['BAD_USER_INPUT', 'after']]);
    expect(await code({ after: Buffer.from('access:3').toString('base64url') })).toEqual([['BAD_USER_INPUT', 'after']]);
    expect(await code({ filter: { personId: 'x' } })).toEqual([['BAD_USER_INPUT', 'filter.personId']]);
    expect(await code({ filter: { clientId: 'x' } })).toEqual([['BAD_USER_INPUT', 'filter.clientId']]);
    expect(await code({ filter: { from: '2024-03-02T00:00:00Z', to: '2024-03-01T00:00:00Z' } })).toEqual([['BAD_USER_INPUT', 'filter.to']]);
  });
});

describe('accessHistory', () => {
  it("lists only the operations that returned or wrote this person's data, newest first", async () => {
    const { data, errors } = await run(HISTORY, { personId: gansu[1] });
    expect(errors).toBeUndefined();
    expect(data!.accessHistory.edges.map((e) => e.node)).toEqual([
      {
        at: entryTimes[3]!.toISOString(),
        clientId,
        clientName: '张掖市民政局',
        agency: 'CIVIL_AFFAIRS',
        purpose: 'ASSISTANCE_ELIGIBILITY',
        operationName: 'Mixed',
        fields: ['Person.name'],
        outcome: 'SUCCESS',
      },
      expect.objectContaining({ operationName: 'Both', fields: ['Person.idNumber'] }),
    ]);
    expect((await run(HISTORY, { personId: gansu[0] })).data!.accessHistory.edges.map((e) => e.node.operationName)).toEqual([
      'Both',
      'One',
    ]);
  });

  it('pages with its own cursors', async () => {
    const page1 = (await run(HISTORY, { personId: gansu[0], first: 1 })).data!.accessHistory;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await run(HISTORY, { personId: gansu[0], first: 1, after: page1.pageInfo.endCursor })).data!.accessHistory;
    expect(page2.edges.map((e) => e.node.operationName)).toEqual(['One']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const logCursor = (await run(LOG, { first: 1 })).data!.auditLog.pageInfo.endCursor;
    expect((await run(HISTORY, { personId: gansu[0], after: logCursor })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('knows nothing of a person outside the jurisdiction, and refuses an id that is not one', async () => {
    expect((await run(HISTORY, { personId: shanxi }, '6207')).data!.accessHistory).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    expect((await run(HISTORY, { personId: shanxi }, '1401')).data!.accessHistory.edges).toHaveLength(2);
    expect((await run(HISTORY, { personId: 'nope' })).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'personId',
    });
  });
});
