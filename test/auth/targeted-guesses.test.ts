import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { narrowsMaskedIdNumber } from '../../src/auth/lookup-quota.js';
import { AGENCY_LIMITS } from '../../src/auth/limits-policy.js';
import { maskIdNumber } from '../../src/auth/masking.js';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { consent, refer } from './access.fixture.js';

let hub: TestHub;
let issuer: string;

const LOOKUP = 'query ($n: String!) { person(idNumber: $n) { id idNumber birthDate } }';
const CHECK = `query ($n: String!) { certification(idNumber: $n, category: MINIMUM_LIVING, on: "2024-06-01") { holds } }`;
const BUDGET = AGENCY_LIMITS.INSURER.targetedIdGuesses;

/** A person, and the valid numbers an insurer that sees them could guess: their masked number and birth date, every sequence. */
async function target(): Promise<{ id: string; idNumber: string; candidates: string[] }> {
  const person = (await createHousehold(hub.db, '620702', 1)).members[0]!;
  const birthDate = person.birthDate.toISOString().slice(0, 10);
  const candidates = Array.from({ length: 1000 }, (_, sequence) => makeIdNumber(person.idNumber.slice(0, 6), birthDate, sequence)).filter(
    (number) => maskIdNumber(number) === maskIdNumber(person.idNumber) && number !== person.idNumber,
  );
  return { id: person.id, idNumber: person.idNumber, candidates };
}

/** An insurer client the person consented to share with; its daily quota of misses out of the way, so the budget alone is tested. */
async function insurerOf(personId: string) {
  const insurer = await hub.client('INSURER', '6207', undefined, { trustedDocumentsOnly: false, missedIdLookups: 1000 });
  await consent(hub.db, personId, insurer.clientId, issuer);
  const lookup = (idNumber: string) => hub.requestText(LOOKUP, { n: idNumber }, { token: insurer.token, purpose: 'CLAIM_COORDINATION' });
  return { ...insurer, lookup };
}

beforeAll(async () => {
  hub = await startTestHub();
  issuer = (await hub.client('MEDICAL_INSURANCE', '62')).clientId;
});

afterAll(() => hub.close());

describe('targeted guesses at a masked ID number', () => {
  it('applies to the agencies that see the number masked and the birth date in full', () => {
    expect(narrowsMaskedIdNumber('INSURER')).toBe(true);
    // The charity and the auditor see no birth date (refusing by birth date would reveal it); casework sees the number.
    expect(narrowsMaskedIdNumber('CHARITY')).toBe(false);
    expect(narrowsMaskedIdNumber('AUDITOR')).toBe(false);
    expect(narrowsMaskedIdNumber('MEDICAL_INSURANCE')).toBe(false);
  });

  it('answers misses within the budget, then refuses right and wrong numbers of the pattern alike, and tells the auditor', async () => {
    const person = await target();
    expect(person.candidates.length).toBeGreaterThan(40);
    const insurer = await insurerOf(person.id);
    // What the insurer sees: the masked number and the birth date.
    const seen = await hub.requestText(
      'query ($id: ID!) { person(id: $id) { idNumber birthDate } }',
      { id: person.id },
      { token: insurer.token, purpose: 'CLAIM_COORDINATION' },
    );
    expect(seen.data).toEqual({ person: { idNumber: maskIdNumber(person.idNumber), birthDate: expect.any(String) } });

    for (const guess of person.candidates.slice(0, BUDGET))
      expect(await insurer.lookup(guess)).toEqual({ status: 200, data: { person: null } });
    const wrong = await insurer.lookup(person.candidates[BUDGET]!);
    const right = await insurer.lookup(person.idNumber);
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'targetedIdGuesses', max: BUDGET });
    // The same answer for the right number: the refusal tells nothing about the guess.
    expect(right).toEqual(wrong);
    expect(JSON.stringify(right)).not.toContain(person.id);
    // Through the certification check too: one budget for every lookup by number.
    const checked = await hub.requestText(CHECK, { n: person.idNumber }, { token: insurer.token, purpose: 'CLAIM_COORDINATION' });
    expect(checked.errors![0]!.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'targetedIdGuesses' });
    // A number of another pattern (another birth date) is not held by this person's budget.
    const elsewhere = await insurer.lookup(makeIdNumber('620702', '1901-02-03', 7));
    expect(elsewhere).toEqual({ status: 200, data: { person: null } });

    const auditor = await hub.client('AUDITOR', '');
    const log = await hub.requestText(
      'query ($c: ID!) { auditLog(filter: { clientId: $c, outcome: DENIED }) { edges { node { operationName personIds fields } } } }',
      { c: insurer.clientId },
      { token: auditor.token, purpose: 'AUDIT' },
    );
    const events = (log.data!.auditLog as { edges: { node: { operationName: string; personIds: string[]; fields: string[] } }[] }).edges
      .map((e) => e.node)
      .filter((e) => e.operationName === 'security: quota targetedIdGuesses used up');
    expect(events).toEqual([
      { operationName: 'security: quota targetedIdGuesses used up', personIds: [person.id], fields: ['Query.person'] },
    ]);
  });

  it('holds each client to its own budget: another insurer of the same person is unaffected', async () => {
    const person = await target();
    const guesser = await insurerOf(person.id);
    for (const guess of person.candidates.slice(0, BUDGET + 1)) await guesser.lookup(guess);
    expect((await guesser.lookup(person.idNumber)).errors![0]!.extensions!.code).toBe('QUOTA_EXCEEDED');

    const other = await insurerOf(person.id);
    expect((await other.lookup(person.idNumber)).data).toEqual({
      person: { id: person.id, idNumber: maskIdNumber(person.idNumber), birthDate: expect.any(String) },
    });
  });

  it('answers the right number on the first try, and again after a typo or two: hits cost nothing', async () => {
    const person = await target();
    const insurer = await insurerOf(person.id);
    const found = { person: { id: person.id, idNumber: maskIdNumber(person.idNumber), birthDate: expect.any(String) } };
    expect((await insurer.lookup(person.idNumber)).data).toEqual(found);
    for (const typo of person.candidates.slice(0, BUDGET - 1)) expect((await insurer.lookup(typo)).data).toEqual({ person: null });
    for (let i = 0; i < 5; i += 1) expect((await insurer.lookup(person.idNumber)).data).toEqual(found);
  });

  it('does not hold an agency that sees no birth date: a charity’s misses meet only its daily quota', async () => {
    const person = await target();
    const charity = await hub.client('CHARITY', '6207', undefined, { trustedDocumentsOnly: false, missedIdLookups: 1000 });
    await refer(hub.db, person.id, charity.clientId, issuer);
    const lookup = (idNumber: string) =>
      hub.requestText(
        'query ($n: String!) { person(idNumber: $n) { id } }',
        { n: idNumber },
        { token: charity.token, purpose: 'CHARITY_AID' },
      );
    for (const guess of person.candidates.slice(0, BUDGET + 2)) expect((await lookup(guess)).data).toEqual({ person: null });
    expect((await lookup(person.idNumber)).data).toEqual({ person: { id: person.id } });
  });
});
