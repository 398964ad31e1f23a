import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { log } from '../shared/log.js';
import { migrateCommand, seedCommand, startCommand } from './database.commands.js';
import { auditCommand } from './audit.commands.js';
import { clientsCommand } from './clients.commands.js';
import { runQuote } from './quote.command.js';
import { dispatchCommand, monitorCommand } from './alert.commands.js';
import { UsageError } from './usage.js';

const USAGE = `usage: hub <command>
  start                                  start the hub (embedded PostgreSQL unless DATABASE_URL)
  migrate                                apply pending migrations
  seed --persons N --region CODE --year YYYY [--seed S]
                                         generate fictitious, reproducible demo data
  quote FILE…                            evaluate policy case files (no database)
  clients create --name NAME --agency AGENCY --region PREFIX [--purposes P,…]
  clients list | disable --id ID | rotate --id ID [--grace-seconds N] | revoke-token --jti JTI
                                         manage the clients that call the hub
  audit verify                           check the audit chain (exit 1 with the first broken entry)
  monitor run --month YYYY-MM [--region PREFIX]
                                         raise the month's high-cost alerts (re-running raises nothing twice)
  dispatch                               run only the alert dispatcher (webhooks), e.g. beside HUB_DISPATCHER=off`;

/**
 * Runs one command of the `hub` command line and returns its exit code.
 * Machine-readable output goes to stdout, progress and logs to stderr.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await startCommand(loadConfig());
      case 'migrate':
        return await migrateCommand(loadConfig());
      case 'seed':
        return await seedCommand(loadConfig(), parseSeedArgs(rest));
      case 'clients':
        return await clientsCommand(loadConfig(), rest);
      case 'audit':
        return await auditCommand(loadConfig(), rest);
      case 'monitor':
        return await monitorCommand(loadConfig(), rest);
      case 'dispatch':
        return await dispatchCommand(loadConfig());
      case 'quote':
        if (rest.length === 0) throw new UsageError('quote needs at least one case file');
        return await runQuote(rest, { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) });
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hub: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    log.warn(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

function parseSeedArgs(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { persons: { type: 'string' }, region: { type: 'string' }, year: { type: 'string' }, seed: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const integer = (name: string, text: string | undefined, min: number, max: number, fallback?: number) => {
    if (text === undefined) {
      if (fallback !== undefined) return fallback;
      throw new UsageError(`seed needs --${name}`);
    }
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
    return value;
  };
  const region = values.region;
  if (region === undefined || !/^\d{6}$/.test(region)) throw new UsageError('--region must be a 6-digit region code such as 620700');
  return {
    persons: integer('persons', values.persons, 1, 10_000_000),
    region,
    year: integer('year', values.year, 2000, 2100),
    seed: integer('seed', values.seed, 0, 2 ** 31 - 1, 1),
  };
}
