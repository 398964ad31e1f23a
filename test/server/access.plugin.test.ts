import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonByIdDocument } from '../generated/operations.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let personId: string;

beforeAll(async () => {
  hub = await startTestHub();
  personId = (await createHousehold(hub.db, '620702', 1)).members[0]!.id;
});

afterAll(() => hub.close());

describe('the access choke point', () => {
  it('answers a refused purpose as the client error it is: 400 when missing, 403 when not the client’s', async () => {
    const missing = await hub.request(PersonByIdDocument, { id: personId }, { purpose: null });
    expect([missing.status, missing.errors![0]!.extensions]).toEqual([400, { code: 'BAD_USER_INPUT', argument: 'X-Purpose' }]);
    const foreign = await hub.request(PersonByIdDocument, { id: personId }, { purpose: 'AUDIT' });
    expect([foreign.status, foreign.errors![0]!.extensions!.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('returns no data when the audit entry of a read cannot be written', async () => {
    expect((await hub.request(PersonByIdDocument, { id: personId })).data).toEqual({ person: expect.objectContaining({ id: personId }) });
    await hub.pool.query('ALTER TABLE audit_entry RENAME TO audit_entry_unreachable');
    try {
      const result = await hub.request(PersonByIdDocument, { id: personId });
      expect(result.status).toBe(500);
      expect(result.data).toBeUndefined();
      expect(result.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expect(JSON.stringify(result)).not.toContain(personId);
    } finally {
      await hub.pool.query('ALTER TABLE audit_entry_unreachable RENAME TO audit_entry');
    }
  });

  it('writes one entry per operation, with the fields selected and the persons returned', async () => {
    await hub.request(PersonByIdDocument, { id: personId });
    const { rows } = await hub.pool.query(
      'SELECT outcome, person_ids, fields, operation_name, purpose FROM audit_entry ORDER BY seq DESC LIMIT 1',
    );
    expect(rows[0]).toEqual({
      outcome: 'SUCCESS',
      person_ids: [personId],
      fields: ['Person.id', 'Person.name', 'Query.person'],
      operation_name: 'PersonById',
      purpose: 'ASSISTANCE_ELIGIBILITY',
    });
  });
});
