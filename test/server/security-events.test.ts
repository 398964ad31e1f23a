import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/auth/token.service.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let personIds: string[];

beforeAll(async () => {
  hub = await startTestHub();
  personIds = (await createHousehold(hub.db, '620702', 4)).members.map((m) => m.id).sort();
});

afterAll(() => hub.close());

interface Entry {
  seq: string;
  client_id: string | null;
  jurisdiction: string | null;
  event: string | null;
  address: string | null;
  outcome: string;
  error: string | null;
  person_ids: string[];
}

/** The entries appended while `work` ran. */
async function entriesOf(work: () => Promise<unknown>): Promise<Entry[]> {
  const { rows } = await hub.pool.query<{ max: string | null }>('SELECT max(seq)::text AS max FROM audit_entry');
  await work();
  const result = await hub.pool.query<Entry>(
    `SELECT seq::text, client_id, jurisdiction, event, address, outcome, error, person_ids::text[] AS person_ids
     FROM audit_entry WHERE seq > $1 ORDER BY seq`,
    [rows[0]!.max ?? '0'],
  );
  return result.rows;
}

const personOfCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').split(':')[1];

describe('every path that returns a person id names the person', () => {
  it('a page of cursors only, an endCursor only, and persons whose only selected field is __typename', async () => {
    let cursors: string[] = [];
    const [cursorRead] = await entriesOf(async () => {
      const result = await hub.requestText('{ persons(first: 10, filter: { regionPrefix: "620702" }) { edges { cursor } } }');
      cursors = (result.data!.persons as { edges: { cursor: string }[] }).edges.map((e) => e.cursor);
    });
    expect(cursors.map(personOfCursor).sort()).toEqual(personIds);
    expect(cursorRead!.person_ids.sort()).toEqual(personIds);

    const [endCursorRead] = await entriesOf(() =>
      hub.requestText('{ persons(first: 2, filter: { regionPrefix: "620702" }) { pageInfo { endCursor } } }'),
    );
    expect(endCursorRead!.person_ids).toEqual([personIds[1]]);

    const [typenameRead] = await entriesOf(() =>
      hub.requestText('{ persons(first: 10, filter: { regionPrefix: "620702" }) { edges { node { __typename } } } }'),
    );
    expect(typenameRead!.person_ids.sort()).toEqual(personIds);

    // A count alone returns no person.
    const [countRead] = await entriesOf(() => hub.requestText('{ persons(filter: { regionPrefix: "620702" }) { totalCount } }'));
    expect(countRead!.person_ids).toEqual([]);
  });
});

describe('security events', () => {
  it('records introspection with its client and jurisdiction', async () => {
    const charity = await hub.client('CHARITY', '6207');
    const entries = await entriesOf(() =>
      hub.requestText('{ __schema { queryType { name } } }', undefined, { token: charity.token, purpose: null }),
    );
    expect(entries).toEqual([
      expect.objectContaining({ client_id: charity.clientId, jurisdiction: '6207', event: 'INTROSPECTION', outcome: 'SUCCESS' }),
    ]);
    expect(entries[0]!.address).toMatch(/127\.0\.0\.1/);
  });

  it('records a validation failure (a charity asking for phone) with the reason but none of the values sent', async () => {
    const charity = await hub.client('CHARITY', '6207');
    const [entry] = await entriesOf(async () => {
      const result = await hub.requestText(
        `{ person(idNumber: "620702199001011234") { phone } persons(filter: { regionPrefix: 620702 }) { totalCount } }`,
        undefined,
        { token: charity.token, purpose: 'CHARITY_AID' },
      );
      expect(result.status).toBe(400);
    });
    expect(entry).toMatchObject({ client_id: charity.clientId, jurisdiction: '6207', event: 'VALIDATION_FAILED', outcome: 'FAILED' });
    expect(entry!.error).toMatch(/phone/);
    expect(entry!.error).not.toMatch(/620702199001011234/);
  });

  it('records requests without a valid token: none, garbage, expired or revoked, naming the client only when the signature held', async () => {
    const entries = await entriesOf(async () => {
      for (const authorization of [undefined, 'Bearer not.a.token', 'Basic abc']) {
        const response = await fetch(`${hub.origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
          body: JSON.stringify({ query: '{ viewer { clientId } }' }),
        });
        expect(response.status).toBe(401);
      }
    });
    expect(entries.map((e) => [e.event, e.client_id, e.outcome, e.error])).toEqual([
      ['AUTHENTICATION_FAILED', null, 'DENIED', 'no bearer token'],
      ['AUTHENTICATION_FAILED', null, 'DENIED', 'token not signed by the hub or not for this API'],
      ['AUTHENTICATION_FAILED', null, 'DENIED', 'malformed bearer token'],
    ]);
    const insurer = await hub.client('INSURER', '3304');
    const claims = JSON.parse(Buffer.from(insurer.token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    await hub.clients.revokeToken(claims.jti);
    const [revoked] = await entriesOf(() => hub.requestText('{ viewer { clientId } }', undefined, { token: insurer.token }));
    expect(revoked).toMatchObject({
      event: 'AUTHENTICATION_FAILED',
      client_id: insurer.clientId,
      jurisdiction: '3304',
      error: 'token revoked',
    });
  });

  it('records refused token requests, with the client and its jurisdiction when the id names one', async () => {
    const analyst = await hub.client('ANALYST', '33');
    const entries = await entriesOf(async () => {
      for (const body of <Record<string, string>[]>[
        { grant_type: 'client_credentials', client_id: analyst.clientId, client_secret: 'wrong' },
        { grant_type: 'password' },
      ]) {
        const response = await fetch(`${hub.origin}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body),
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
      }
    });
    expect(entries.map((e) => [e.event, e.client_id, e.jurisdiction, e.error])).toEqual([
      ['TOKEN_REQUEST_FAILED', analyst.clientId, '33', 'invalid_client: client authentication failed'],
      ['TOKEN_REQUEST_FAILED', null, null, 'unsupported_grant_type: only the client_credentials grant is supported'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('wrong');
  });
});

describe('token claims come from the client record', () => {
  it('refuses a token signed with the hub’s own key whose claims differ from the record', async () => {
    const charity = await hub.client('CHARITY', '6207');
    const claims = JSON.parse(Buffer.from(charity.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const { kid, key } = hub.keys.signingKey;
    const forge = (changes: Record<string, unknown>) =>
      new SignJWT({ ...claims, ...changes })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .sign(key);
    const unchanged = await forge({});
    expect((await hub.requestText('{ viewer { jurisdiction } }', undefined, { token: unchanged, purpose: null })).data).toEqual({
      viewer: { jurisdiction: '6207' },
    });
    for (const changes of [{ jurisdiction: '' }, { agency: 'INSURER', purposes: ['CLAIM_COORDINATION'] }]) {
      const forged = await forge(changes);
      const [entry] = await entriesOf(async () => {
        expect((await hub.requestText('{ viewer { jurisdiction } }', undefined, { token: forged, purpose: null })).status).toBe(401);
      });
      expect(entry).toMatchObject({
        event: 'AUTHENTICATION_FAILED',
        client_id: charity.clientId,
        error: "token claims differ from the client's record",
      });
    }
  });
});

describe('regional auditors', () => {
  it('see every entry of clients within their jurisdiction, denials without persons included, and nothing of other regions', async () => {
    const zhangye = await hub.client('CHARITY', '6207');
    const jiaxing = await hub.client('CHARITY', '3304');
    // Denied for its purpose: an entry naming no person.
    for (const client of [zhangye, jiaxing]) {
      const denied = await hub.requestText('{ persons(first: 1) { totalCount } }', undefined, {
        token: client.token,
        purpose: 'SETTLEMENT',
      });
      expect(denied.status).toBe(403);
    }
    const auditorOf = async (jurisdiction: string) => (await hub.client('AUDITOR', jurisdiction)).token;
    const deniedClients = async (token: string) => {
      const result = await hub.requestText(
        '{ auditLog(first: 100, filter: { outcome: DENIED }) { edges { node { clientId personIds jurisdiction } } } }',
        undefined,
        {
          token,
          purpose: 'AUDIT',
        },
      );
      return (result.data!.auditLog as { edges: { node: { clientId: string } }[] }).edges.map((e) => e.node.clientId);
    };
    const seenInZhangye = await deniedClients(await auditorOf('6207'));
    expect(seenInZhangye).toContain(zhangye.clientId);
    expect(seenInZhangye).not.toContain(jiaxing.clientId);
    const seenNationally = await deniedClients(await auditorOf(''));
    expect(seenNationally).toEqual(expect.arrayContaining([zhangye.clientId, jiaxing.clientId]));
  });
});
