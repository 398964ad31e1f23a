import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedPurposes, InvalidScopeError } from '../../src/auth/token.service.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let personId: string;
let client: { clientId: string; clientSecret: string };

const READ = 'query ($id: ID) { person(id: $id) { id } }';

beforeAll(async () => {
  hub = await startTestHub();
  personId = (await createHousehold(hub.db, '620702', 1)).members[0]!.id;
  // Medical insurance: SETTLEMENT, ASSISTANCE_ELIGIBILITY and MONITORING_FOLLOW_UP.
  client = await hub.clients.create({
    name: 'scoped',
    agency: 'MEDICAL_INSURANCE',
    jurisdiction: '6207',
    limits: { trustedDocumentsOnly: false },
  });
});

afterAll(() => hub.close());

function tokenRequest(parameters: Record<string, string>) {
  return fetch(`${hub.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...parameters,
    }),
  });
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { purposes: string[] };

async function lastEntry() {
  const { rows } = await hub.pool.query<{ event: string; client_id: string; error: string }>(
    'SELECT event, client_id::text, error FROM audit_entry ORDER BY seq DESC LIMIT 1',
  );
  return rows[0];
}

describe('the scope of a token request (RFC 6749 §3.3)', () => {
  it('answers every purpose of the client in scope when the request names none', async () => {
    const response = await tokenRequest({});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('SETTLEMENT ASSISTANCE_ELIGIBILITY MONITORING_FOLLOW_UP');
    expect(claimsOf(body.access_token).purposes).toEqual(['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP']);
  });

  it('narrows the token to the purposes asked for, in the record’s order, and says which in scope', async () => {
    const response = await tokenRequest({ scope: 'MONITORING_FOLLOW_UP SETTLEMENT' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; scope: string; token_type: string };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'SETTLEMENT MONITORING_FOLLOW_UP' });
    expect(claimsOf(body.access_token).purposes).toEqual(['SETTLEMENT', 'MONITORING_FOLLOW_UP']);
  });

  it('lets a narrowed token declare its purposes and refuses with FORBIDDEN the client’s purposes it left out', async () => {
    const body = (await (await tokenRequest({ scope: 'SETTLEMENT' })).json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('SETTLEMENT');
    const token = body.access_token;
    const allowed = await hub.requestText(READ, { id: personId }, { token, purpose: 'SETTLEMENT' });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.person).toEqual({ id: personId });
    for (const purpose of ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP']) {
      const refused = await hub.requestText(READ, { id: personId }, { token, purpose });
      expect(
        refused.errors?.map((e) => e.extensions?.code),
        purpose,
      ).toEqual(['FORBIDDEN']);
      expect(refused.data?.person ?? null).toBeNull();
    }
    const viewer = await hub.requestText('{ viewer { purposes } }', undefined, { token, purpose: null });
    expect(viewer.data).toEqual({ viewer: { purposes: ['SETTLEMENT'] } });
  });

  it('refuses with 400 invalid_scope a purpose outside the client’s grant, alone or with granted ones, and records the refusal', async () => {
    for (const scope of ['AUDIT', 'SETTLEMENT CLAIM_COORDINATION', 'MARKETING', 'settlement']) {
      const response = await tokenRequest({ scope });
      expect(response.status, scope).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as { error: string; error_description: string; access_token?: string };
      expect(body.error, scope).toBe('invalid_scope');
      expect(body.access_token).toBeUndefined();
      expect(await lastEntry()).toMatchObject({
        event: 'TOKEN_REQUEST_FAILED',
        client_id: client.clientId,
        error: expect.stringMatching(/^invalid_scope: /),
      });
    }
  });

  it('refuses with 400 invalid_scope a scope not shaped as space-separated purposes', async () => {
    for (const scope of ['', ' SETTLEMENT', 'SETTLEMENT  MONITORING_FOLLOW_UP', 'SETTLEMENT,MONITORING_FOLLOW_UP', 'SETTLEMENT\tAUDIT']) {
      const response = await tokenRequest({ scope });
      expect(response.status, JSON.stringify(scope)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_scope');
    }
  });

  it('refuses a scope sent as JSON but not as a string with 400 invalid_request', async () => {
    const response = await fetch(`${hub.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        scope: ['SETTLEMENT'],
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers a failed client authentication with invalid_client whatever the scope, so the scope tells nothing', async () => {
    for (const scope of ['SETTLEMENT', 'AUDIT']) {
      const response = await tokenRequest({ scope, client_secret: 'wrong-secret' });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    }
  });

  it('refuses a narrowed token once the client no longer holds a purpose it carries', async () => {
    const token = ((await (await tokenRequest({ scope: 'MONITORING_FOLLOW_UP' })).json()) as { access_token: string }).access_token;
    await hub.db.client.update({ where: { id: client.clientId }, data: { purposes: ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY'] } });
    try {
      const refused = await hub.requestText('{ viewer { purposes } }', undefined, { token, purpose: null });
      expect(refused.status).toBe(401);
    } finally {
      await hub.db.client.update({
        where: { id: client.clientId },
        data: { purposes: ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'] },
      });
    }
  });
});

describe('scopedPurposes', () => {
  it('keeps the granted purposes named, once each, and refuses any other', () => {
    expect(scopedPurposes(['SETTLEMENT', 'AUDIT'], undefined)).toEqual(['SETTLEMENT', 'AUDIT']);
    expect(scopedPurposes(['SETTLEMENT', 'AUDIT'], 'AUDIT AUDIT')).toEqual(['AUDIT']);
    expect(() => scopedPurposes([], 'AUDIT')).toThrow(InvalidScopeError);
    expect(() => scopedPurposes(['SETTLEMENT'], 'SETTLEMENT AUDIT')).toThrow(/AUDIT, not granted/);
  });
});
