import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getOperationAST, parse } from 'graphql';
import { ClientRepository, isClientId } from '../auth/client.repository.js';
import { documentIdOf, TrustedDocumentRepository, type NewTrustedDocument } from '../auth/trusted-document.repository.js';
import type { HubConfig } from '../server/config.js';
import { withDatabase } from './with-database.js';

const USAGE = `usage: hub documents <command>
  add --client ID FILE…                  register trusted documents for a client: each FILE.graphql is one
                                         document; a FILE.json is an Apollo persisted-query manifest
                                         ({"format":"apollo-persisted-query-manifest","version":1,"operations":[…]});
                                         prints [{"id":"sha256:…","operationName","file"}]
  list --client ID                       print the client's documents as JSON`;

/** A mistake in the arguments or the files: exit 2 with the usage. */
class DocumentsUsageError extends Error {}

interface FileDocument extends NewTrustedDocument {
  file: string;
}

/**
 * `hub documents …`: the trusted documents (persisted operations) of a
 * client. Clients registered as trusted-documents-only (by default charities
 * and insurers) run nothing else; they send `{"documentId": "sha256:…"}`.
 * @returns the exit code: 0 done, 1 unknown client, 2 bad arguments or files.
 */
export async function documentsCommand(config: HubConfig, args: string[]): Promise<number> {
  const [command, ...rest] = args;
  let clientId: string;
  const documents: FileDocument[] = [];
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { client: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (command !== 'add' && command !== 'list')
      throw new DocumentsUsageError(command ? `unknown command ${JSON.stringify(command)}` : 'a command is needed');
    clientId = values.client ?? '';
    if (!isClientId(clientId)) throw new DocumentsUsageError(`--client must be a client id (a UUID), got ${JSON.stringify(values.client)}`);
    if (command === 'add') {
      if (positionals.length === 0) throw new DocumentsUsageError('add needs at least one file');
      for (const file of positionals) documents.push(...(await readDocuments(file)));
    } else if (positionals.length > 0) {
      throw new DocumentsUsageError('list takes no files');
    }
  } catch (error) {
    if (!(error instanceof DocumentsUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw error;
    process.stderr.write(`hub documents: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  return withDatabase(config, 2, async ({ db }) => {
    if (!(await new ClientRepository(db).findById(clientId))) {
      process.stderr.write(`hub documents: no client has the id ${JSON.stringify(clientId)}\n`);
      return 1;
    }
    const repository = new TrustedDocumentRepository(db);
    if (command === 'list') {
      process.stdout.write(`${JSON.stringify(await repository.list(clientId))}\n`);
      return 0;
    }
    const ids = await repository.add(clientId, documents);
    const registered = documents.map((document, i) => ({ id: ids[i], operationName: document.operationName, file: document.file }));
    process.stdout.write(`${JSON.stringify(registered)}\n`);
    return 0;
  });
}

/** The documents of one file: the file itself (`.graphql`), or the operations of an Apollo manifest (`.json`). */
async function readDocuments(file: string): Promise<FileDocument[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DocumentsUsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const name = path.basename(file);
  if (!file.endsWith('.json')) return [{ body: text, operationName: operationNameOf(text, name), file: name }];
  let manifest: { format?: unknown; version?: unknown; operations?: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    throw new DocumentsUsageError(`${name} is not valid JSON`);
  }
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new DocumentsUsageError(`${name} is not an Apollo persisted-query manifest (format apollo-persisted-query-manifest, version 1)`);
  }
  return manifest.operations.map((operation: { id?: unknown; body?: unknown }, i: number) => {
    if (typeof operation.body !== 'string') throw new DocumentsUsageError(`${name}: operation ${i} has no body`);
    // Apollo's ids are the bare hex SHA-256 of the body: one that does not match names another text.
    if (operation.id !== undefined && `sha256:${String(operation.id)}` !== documentIdOf(operation.body)) {
      throw new DocumentsUsageError(`${name}: operation ${i}'s id is not the SHA-256 of its body`);
    }
    return { body: operation.body, operationName: operationNameOf(operation.body, `${name} operation ${i}`), file: name };
  });
}

/** The name of a document's operation (null when anonymous or several); a document that does not parse is refused. */
function operationNameOf(body: string, where: string): string | null {
  try {
    return getOperationAST(parse(body))?.name?.value ?? null;
  } catch (error) {
    throw new DocumentsUsageError(`${where} is not a GraphQL document: ${(error as Error).message}`);
  }
}
