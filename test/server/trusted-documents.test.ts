import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentIdOf } from '../../src/auth/trusted-document.repository.js';
import { documentsCommand } from '../../src/cli/documents.commands.js';
import { loadConfig, type HubConfig } from '../../src/server/config.js';
import { createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let config: HubConfig;
let dir: string;
let charity: { clientId: string; token: string };
let personId: string;

const LOOKUP = 'query Lookup($id: ID!) { person(id: $id) { id name } }\n';
const WIDE = `query Wide { ${Array.from({ length: 6 }, (_, i) => `a${i}: viewer { agency }`).join(' ')} }\n`;

/** Runs `hub documents …` in-process and captures what it writes. */
async function documents(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await documentsCommand(config, args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** POSTs a GraphQL-over-HTTP body as the charity. */
async function post(body: Record<string, unknown>, purpose = 'CHARITY_AID') {
  const response = await fetch(hub.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${charity.token}`, 'content-type': 'application/json', 'x-purpose': purpose },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    ...((await response.json()) as { data?: Record<string, unknown>; errors?: { extensions: unknown }[] }),
  };
}

beforeAll(async () => {
  hub = await startTestHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-documents-'));
  config = loadConfig({ DATABASE_URL: hub.databaseUrl, PORT: '0', HUB_DATA_DIR: dir });
  // The charity's own limits: its agency's, trusted documents only.
  charity = await hub.client('CHARITY', '6207', undefined, {});
  personId = (await createHousehold(hub.db, '620702', 1)).members[0]!.id;
  await hub.requestText('mutation ($input: SharingGrantInput!) { createCharityReferral(input: $input) { id } }', {
    input: { personId, clientId: charity.clientId, validFrom: '2024-01-01' },
  });
});

afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('trusted documents', () => {
  it('refuses query text from a trusted-documents-only client, and an id it has not registered', async () => {
    const text = await post({ query: LOOKUP, variables: { id: personId } });
    expect([text.status, text.errors![0]!.extensions]).toEqual([400, { code: 'TRUSTED_DOCUMENT_REQUIRED' }]);
    const unknown = await post({ documentId: documentIdOf(LOOKUP), variables: { id: personId } });
    expect([unknown.status, unknown.errors![0]!.extensions]).toEqual([400, { code: 'TRUSTED_DOCUMENT_NOT_FOUND', argument: 'documentId' }]);
  });

  it('runs a document registered with hub documents add, by its id, as GraphQL over HTTP and Apollo’s link send it', async () => {
    const file = path.join(dir, 'lookup.graphql');
    await writeFile(file, LOOKUP);
    const added = await documents('add', '--client', charity.clientId, file);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual([{ id: documentIdOf(LOOKUP), operationName: 'Lookup', file: 'lookup.graphql' }]);
    const ran = await post({ documentId: documentIdOf(LOOKUP), variables: { id: personId } });
    expect(ran).toMatchObject({ status: 200, data: { person: { id: personId, name: expect.stringMatching(/\*/) } } });
    const apollo = await post({
      extensions: { persistedQuery: { version: 1, sha256Hash: documentIdOf(LOOKUP).slice('sha256:'.length) } },
      variables: { id: personId },
    });
    expect(apollo.data).toEqual(ran.data);
    const listed = await documents('list', '--client', charity.clientId);
    expect(JSON.parse(listed.stdout)).toEqual([{ id: documentIdOf(LOOKUP), operationName: 'Lookup', createdAt: expect.any(String) }]);
  });

  it('still passes every other check: limits and purpose', async () => {
    const manifest = path.join(dir, 'manifest.json');
    await writeFile(
      manifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: documentIdOf(WIDE).slice(7), name: 'Wide', type: 'query', body: WIDE }],
      }),
    );
    expect((await documents('add', '--client', charity.clientId, manifest)).code).toBe(0);
    const wide = await post({ documentId: documentIdOf(WIDE) });
    expect(wide.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 5, actual: 6 });
    const purpose = await post({ documentId: documentIdOf(LOOKUP), variables: { id: personId } }, 'AUDIT');
    expect([purpose.status, purpose.errors![0]!.extensions]).toMatchObject([403, { code: 'FORBIDDEN' }]);
  });

  it('keeps documents per client: another client cannot run this one’s by id', async () => {
    const other = await hub.client('CHARITY', '6207', undefined, {});
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json', 'x-purpose': 'CHARITY_AID' },
      body: JSON.stringify({ documentId: documentIdOf(LOOKUP), variables: { id: personId } }),
    });
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'TRUSTED_DOCUMENT_NOT_FOUND',
    );
  });

  it('refuses a manifest whose id is not its body’s hash, and a file that is no GraphQL', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'ab', body: LOOKUP }] }),
    );
    expect((await documents('add', '--client', charity.clientId, bad)).code).toBe(2);
    const junk = path.join(dir, 'junk.graphql');
    await writeFile(junk, 'query {');
    const result = await documents('add', '--client', charity.clientId, junk);
    expect([result.code, result.stderr]).toEqual([2, expect.stringContaining('is not a GraphQL document')]);
  });
});
