import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../../src/modules/audit/audit.events.js';
import { SecurityTally } from '../../../src/modules/audit/security-tally.js';

const tallies: SecurityTally[] = [];

/** A tally whose entries land in `written`. */
function tally(options: { immediate?: number; keys?: number; immediatePerKey?: number; annotate?: boolean } = {}) {
  const written: SecurityEvent[] = [];
  const made = new SecurityTally({ write: async (event) => void written.push(event), ...options });
  tallies.push(made);
  return { tally: made, written };
}

const refusal = (who: { clientId?: string; address?: string }): SecurityEvent => ({
  kind: 'TOKEN_REQUEST_FAILED',
  reason: 'invalid_request: too many failed authentications for this client',
  ...who,
});

afterEach(async () => {
  for (const made of tallies.splice(0)) await made.close();
});

describe('the tally of refusals that come in floods', () => {
  it('writes the first refusal of a client at once and the rest as one entry when the window ends', async () => {
    const { tally: t, written } = tally();
    for (let i = 0; i < 5; i += 1) t.note(refusal({ clientId: 'c1', address: '10.0.0.1' }));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ clientId: 'c1', address: '10.0.0.1', kind: 'TOKEN_REQUEST_FAILED' });
    await t.flush();
    expect(written).toHaveLength(2);
    expect(written[1]!.reason).toBe('4 more refused within 60 s: invalid_request: too many failed authentications for this client');
    // A new window: the next refusal is written at once again.
    t.note(refusal({ clientId: 'c1' }));
    expect(written).toHaveLength(3);
  });

  it('keys refusals without a client by address, and bounds the entries at once per window', async () => {
    const { tally: t, written } = tally({ immediate: 1 });
    t.note(refusal({ clientId: 'c1' }));
    t.note(refusal({ address: '10.0.0.2' }));
    t.note(refusal({ address: '10.0.0.2' }));
    expect(written.map((e) => e.clientId ?? e.address)).toEqual(['c1']);
    await t.flush();
    expect(written.slice(1).map((e) => [e.address, e.reason.split(':')[0]])).toEqual([['10.0.0.2', '2 refused within 60 s']]);
  });

  it('counts the refusals of keys past its bound together: none is lost, the entries stay bounded', async () => {
    const { tally: t, written } = tally({ immediate: 0, keys: 2 });
    for (let i = 0; i < 50; i += 1) t.note(refusal({ address: `10.0.1.${i}` }));
    await t.flush();
    expect(written).toHaveLength(3);
    const counted = written.map((e) => Number(/^(\d+)/.exec(e.reason)![1]));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(50);
    expect(written[2]!.reason).toMatch(/^48 of other clients and addresses refused within 60 s/);
    expect(written[2]!.address).toBeUndefined();
  });

  it('writes what it counted when closed', async () => {
    const { tally: t, written } = tally({ immediate: 0 });
    t.note(refusal({ clientId: 'c2' }));
    await t.close();
    expect(written.map((e) => e.reason.split(':')[0])).toEqual(['1 refused within 60 s']);
  });

  it('writes the first few of a key at once when told, plainly, and counts each reason of the rest', async () => {
    const { tally: t, written } = tally({ immediatePerKey: 2, annotate: false });
    const refused = (reason: string) => ({ kind: 'AUTHENTICATION_FAILED', reason, address: '10.0.0.3' });
    for (let i = 0; i < 3; i += 1) t.note(refused('malformed bearer token'));
    for (let i = 0; i < 4; i += 1) t.note(refused('token expired'));
    expect(written.map((e) => e.reason)).toEqual(['malformed bearer token', 'malformed bearer token']);
    await t.flush();
    expect(written[2]!.reason).toBe('5 more refused within 60 s: malformed bearer token ×1; token expired ×4');
  });
});
