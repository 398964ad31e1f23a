import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { AGENCY_ORDER } from './access.fixture.js';

/**
 * access-policy.md §4 for the exchange's writes and lookups, transcribed by
 * hand (not imported from the code under test): which agencies have each
 * field at all. An agency without it gets a validation failure, as for any
 * field outside its view; who may certify which category, and whose rows,
 * are tested with the writes themselves.
 */
//                                               MI CA RR HE CH IN AU FI AN HA
const EXPECTED: Readonly<Record<string, string>> = {
  'Mutation.registerPerson': /*              */ 'F - - - - - - - - -',
  'Mutation.updatePerson': /*                */ 'F - - - - - - - - -',
  'Mutation.movePerson': /*                  */ 'F - - - - - - - - -',
  'Mutation.certifyStatus': /*               */ '- F F - - - - - - -',
  'Mutation.amendStatus': /*                 */ '- F F - - - - - - -',
  'Mutation.revokeStatus': /*                */ '- F F - - - - - - -',
  'Mutation.recordCharityAid': /*            */ '- - - - F - - - - -',
  'Mutation.recordCommercialClaim': /*       */ '- - - - - F - - - -',
  'Query.referrals': /*                      */ '- - - - F - - - - -',
  'Query.consents': /*                       */ '- - - - - F - - - -',
  'Query.certification': /*                  */ 'F F F - F F - - - -',
  'Mutation.submitApplication': /*           */ 'F F - - - - - - - -',
  'Mutation.decideApplication': /*           */ '- F F - - - - - - -',
  'Query.applications': /*                   */ 'F F F - - - - - - -',
};

let hub: TestHub;
const tokens = new Map<Agency, string>();

beforeAll(async () => {
  hub = await startTestHub();
  for (const agency of AGENCY_ORDER) tokens.set(agency, (await hub.client(agency, '6207', agency === 'HUB_ADMIN' ? [] : undefined)).token);
});

afterAll(() => hub?.close());

describe('the exchange’s writes and lookups per agency, over real HTTP', () => {
  it.each(AGENCY_ORDER)('shows %s exactly the exchange fields the table grants it, and refuses the others', async (agency) => {
    const { data } = await hub.requestText(
      '{ Mutation: __type(name: "Mutation") { fields { name } } Query: __type(name: "Query") { fields { name } } }',
      {},
      { token: tokens.get(agency)!, purpose: null },
    );
    const seen = data as Record<string, { fields: { name: string }[] } | null>;
    for (const [coordinate, row] of Object.entries(EXPECTED)) {
      const [type, field] = coordinate.split('.') as [string, string];
      const granted = row.split(' ')[AGENCY_ORDER.indexOf(agency)] === 'F';
      const listed = (seen[type]?.fields ?? []).some((f) => f.name === field);
      expect(listed, `${agency} ${coordinate}`).toBe(granted);
      if (!granted) {
        // Asking for it anyway is refused before anything runs.
        const refused = await hub.requestText(
          `${type === 'Mutation' ? 'mutation' : 'query'} { ${field} }`,
          {},
          { token: tokens.get(agency)! },
        );
        // An agency with no mutation at all has no Mutation type: the operation type itself fails validation (400, not a stack).
        const code = 'GRAPHQL_VALIDATION_FAILED';
        expect(refused.errors![0]!.extensions!.code, `${agency} ${coordinate}`).toBe(code);
        expect(refused.data ?? null).toBeNull();
      }
    }
  });
});
