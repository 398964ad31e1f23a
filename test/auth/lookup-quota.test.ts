import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

const LOOKUP = 'query ($n: String!) { person(idNumber: $n) { id name } }';

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(() => hub.close());

describe('the quota of lookups by ID number that find nothing', () => {
  it('answers null within the quota, then QUOTA_EXCEEDED for every lookup by ID number, and the auditor sees the event', async () => {
    const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    const insurer = await hub.client('INSURER', '6207', undefined, { trustedDocumentsOnly: false, missedIdLookups: 3 });
    await hub.requestText(
      'mutation ($input: SharingGrantInput!) { createInsurerConsent(input: $input) { id } }',
      { input: { personId: person.id, clientId: insurer.clientId, validFrom: '2024-01-01' } },
      { purpose: 'ASSISTANCE_ELIGIBILITY' },
    );
    const lookup = (idNumber: string) => hub.requestText(LOOKUP, { n: idNumber }, { token: insurer.token, purpose: 'CLAIM_COORDINATION' });
    // Guesses: valid numbers of nobody the insurer may see.
    const guesses = [1, 2, 3, 4].map((i) => makeIdNumber('620702', '1960-01-01', 900 + i));
    for (const guess of guesses.slice(0, 3)) expect((await lookup(guess)).data).toEqual({ person: null });
    const over = await lookup(guesses[3]!);
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'missedIdLookups', max: 3 });
    expect(over.data).toEqual({ person: null });
    // The person it may see is refused too, until the day turns: a hit must not reward more guessing.
    const found = await lookup(person.idNumber);
    expect(found.errors![0]!.extensions!.code).toBe('QUOTA_EXCEEDED');
    expect(JSON.stringify(found)).not.toContain(person.id);

    const auditor = await hub.client('AUDITOR', '');
    const log = await hub.requestText(
      'query ($c: ID!) { auditLog(filter: { clientId: $c, outcome: DENIED }) { edges { node { operationName outcome error } } } }',
      { c: insurer.clientId },
      { token: auditor.token, purpose: 'AUDIT' },
    );
    const events = (log.data!.auditLog as { edges: { node: { operationName: string; error: string } }[] }).edges.map((e) => e.node);
    expect(events.filter((e) => e.operationName === 'security: quota missedIdLookups used up')).toHaveLength(1);
  });

  it('lets a casework agency look up many: its quota is its agency’s', async () => {
    const guesses = Array.from({ length: 25 }, (_, i) => makeIdNumber('620702', '1961-01-01', 100 + i));
    for (const guess of guesses) {
      const result = await hub.requestText(LOOKUP, { n: guess });
      expect(result.errors).toBeUndefined();
    }
  });
});
