import { readFileSync } from 'node:fs';
import { isKnownRegion } from '../modules/seed/seed.data.js';
import { COMMAND_USAGE, mainUsage } from './help.js';
import { parseOptions, UsageError } from './usage.js';

/**
 * The commands, each imported only when it runs: `hub --help`, `hub quote`
 * and the usage errors load neither Prisma nor the GraphQL schema.
 */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  async start(args) {
    const { flags } = parseOptions(args, { flags: ['production'] });
    const config = await configFor({ production: flags.has('production') });
    const { startCommand } = await import('./database.commands.js');
    return startCommand(config);
  },
  async migrate(args) {
    parseOptions(args, {});
    const config = await configFor();
    const { migrateCommand } = await import('./database.commands.js');
    return migrateCommand(config);
  },
  async seed(args) {
    const options = parseSeedArgs(args);
    const config = await configFor();
    const { seedCommand } = await import('./database.commands.js');
    return seedCommand(config, options);
  },
  async clients(args) {
    const config = await configFor();
    const { clientsCommand } = await import('./clients.commands.js');
    return clientsCommand(config, args);
  },
  async documents(args) {
    const config = await configFor();
    const { documentsCommand } = await import('./documents.commands.js');
    return documentsCommand(config, args);
  },
  async audit(args) {
    const config = await configFor();
    const { auditCommand } = await import('./audit.commands.js');
    return auditCommand(config, args);
  },
  async monitor(args) {
    const config = await configFor();
    const { monitorCommand } = await import('./alert.commands.js');
    return monitorCommand(config, args);
  },
  async fund(args) {
    const config = await configFor();
    const { fundCommand } = await import('./fund.commands.js');
    return fundCommand(config, args);
  },
  async import(args) {
    const config = await configFor();
    const { importCommand } = await import('./import.commands.js');
    return importCommand(config, args);
  },
  async subgraph(args) {
    const [name, ...rest] = args;
    const { values } = parseOptions(rest, { values: ['port'] });
    const { SUBGRAPHS } = await import('../federation/subgraphs.js');
    if (!name || !(SUBGRAPHS as readonly string[]).includes(name)) {
      throw new UsageError(`name the subgraph to serve: one of ${SUBGRAPHS.join(', ')}`);
    }
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!/^\d{1,5}$/.test(values.port!) || port > 65535)) {
      throw new UsageError(`--port must be a port number, got ${JSON.stringify(values.port)}`);
    }
    const config = await configFor();
    const { subgraphCommand } = await import('./federation.commands.js');
    return subgraphCommand(config, name as (typeof SUBGRAPHS)[number], port);
  },
  async gateway(args) {
    parseOptions(args, {});
    const config = await configFor();
    const { gatewayCommand } = await import('./federation.commands.js');
    return gatewayCommand(config, process.env);
  },
  async dispatch(args) {
    parseOptions(args, {});
    const config = await configFor();
    const { dispatchCommand } = await import('./alert.commands.js');
    return dispatchCommand(config);
  },
  async quote(args) {
    if (args.length === 0) throw new UsageError('quote needs at least one case file');
    const { runQuote } = await import('./quote.command.js');
    return runQuote(args, { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) });
  },
};

// The configuration is read before a command's module is loaded: a bad environment fails at once.
async function configFor(overrides: { production?: boolean } = {}) {
  return (await import('../server/config.js')).loadConfig(process.env, overrides);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

/**
 * Runs one command of the `hub` command line and returns its exit code:
 * 0 done, 1 failed (`error: …` on stderr), 2 a bad command line.
 * Machine-readable output goes to stdout, progress and logs to stderr.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`${mainUsage()}\n`);
    return 2;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    const topic = rest[0];
    process.stdout.write(`${topic && COMMAND_USAGE[topic] ? `usage: ${COMMAND_USAGE[topic]}` : mainUsage()}\n`);
    return 0;
  }
  if (command === '-v' || command === '--version' || command === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`error: unknown command ${JSON.stringify(command)}\n${mainUsage()}\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(`usage: ${COMMAND_USAGE[command]}\n`);
    return 0;
  }
  try {
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\nusage: ${COMMAND_USAGE[command]}\n`);
      return 2;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** The options of `hub seed`, checked before any database is opened. */
export function parseSeedArgs(args: string[]) {
  const { values, flags } = parseOptions(args, { values: ['persons', 'region', 'year', 'seed'], flags: ['allow-unknown-region'] });
  const integer = (name: string, min: number, max: number, fallback?: number) => {
    const text = values[name];
    if (text === undefined) {
      if (fallback !== undefined) return fallback;
      throw new UsageError(`seed needs --${name}`);
    }
    if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    }
    return Number(text);
  };
  const persons = integer('persons', 1, 10_000_000);
  const region = values.region;
  if (region === undefined) throw new UsageError('seed needs --region');
  if (!/^\d{6}$/.test(region)) throw new UsageError(`--region must be a 6-digit region code such as 620700, got ${JSON.stringify(region)}`);
  if (!flags.has('allow-unknown-region') && !isKnownRegion(region)) {
    throw new UsageError(
      `--region ${region} is not a region the hub knows (${KNOWN_REGION_HINT}); pass --allow-unknown-region to seed it with a demo configuration`,
    );
  }
  return { persons, region, year: integer('year', 2000, 2100), seed: integer('seed', 0, 2 ** 31 - 1, 1) };
}

// The regions of the demo's reference data (src/modules/seed/seed.data.ts), whose counties it knows.
const KNOWN_REGION_HINT = '620700 Zhangye, 330400 Jiaxing, 140100 Taiyuan, their counties and provinces';
