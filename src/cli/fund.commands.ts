import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ClientRepository, isClientId } from '../auth/client.repository.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { AuditWriter } from '../modules/audit/audit.writer.js';
import { FundInflowRepository } from '../modules/finance/fund-inflow.repository.js';
import { FundInflowService } from '../modules/finance/fund-inflow.service.js';
import type { HubConfig } from '../server/config.js';
import { UsageError } from './usage.js';
import { withDatabase } from './with-database.js';

/**
 * `hub fund import FILE --client ID`: records the allocations of a file
 * (NDJSON, or CSV with a header line: regionCode, year, month, level, amount,
 * documentNo, reference, splitCityDistrict) with the rights of a FINANCE
 * client, each line whole or not at all, and prints the report as JSON:
 * `{"recorded","unchanged","rejected":[{line,argument,message}]}`. Exit 0
 * when no line was rejected, 1 otherwise.
 */
export async function fundCommand(config: HubConfig, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError('fund needs the subcommand import');
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { client: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [file] = parsed.positionals;
  const clientId = parsed.values.client;
  if (!file || parsed.positionals.length !== 1) throw new UsageError('fund import needs one FILE');
  if (!clientId || !isClientId(clientId)) throw new UsageError('fund import needs --client ID (a client id)');
  const lines = parseLines(await readFile(file, 'utf8'));
  return withDatabase(config, 2, async ({ db, auditKeys }) => {
    const client = await new ClientRepository(db).findById(clientId);
    if (!client || client.status !== 'ACTIVE' || client.agency !== 'FINANCE') {
      process.stderr.write('error: --client must name an active FINANCE client\n');
      return 1;
    }
    const principal = {
      clientId: client.id,
      agency: client.agency,
      jurisdiction: client.jurisdiction,
      purposes: client.purposes,
      jti: 'cli',
    };
    const writer = new AuditWriter(new AuditRepository(db, await auditKeys()), {
      clientId: client.id,
      agency: client.agency,
      jti: null,
      purpose: 'FUND_SUPERVISION',
      operationName: `hub fund import ${file}`,
      documentHash: null,
    });
    const report = await new FundInflowService(new FundInflowRepository(db), principal, writer).importLines(lines);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.rejected.length === 0 ? 0 : 1;
  });
}

/** NDJSON (every line an object) or CSV with a header line; empty lines are skipped. */
export function parseLines(text: string): Record<string, unknown>[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return [];
  if (lines[0]!.trimStart().startsWith('{')) {
    return lines.map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new UsageError(`line ${index + 1} is not JSON`);
      }
    });
  }
  const header = lines[0]!.split(',').map((name) => name.trim());
  return lines.slice(1).map((line) => {
    const values = line.split(',').map((value) => value.trim());
    return Object.fromEntries(header.map((name, i) => [name, values[i] ?? '']));
  });
}
