import { ClientRepository, isClientId } from '../auth/client.repository.js';
import { ClientService, DEFAULT_GRACE_SECONDS, UnknownClientError, validateClientInput } from '../auth/client.service.js';
import type { HubConfig } from '../server/config.js';
import { BadUserInputError } from '../shared/errors.js';
import { log } from '../shared/log.js';
import { parseOptions } from './usage.js';
import { withDatabase } from './with-database.js';

const USAGE = `usage: hub clients <command>
  create --name NAME --agency AGENCY --region PREFIX [--purposes P,…]
                                         register a client; prints its id and secret (shown once)
                                         PREFIX: a region-code prefix of 1–6 digits, or '' for the whole country
                                         purposes: default all of the agency's
  list                                   print every client as a JSON array (no secrets)
  disable --id ID                        refuse its tokens from the next request on
  rotate --id ID [--grace-seconds N]     issue a new secret (shown once); the old one keeps working
                                         for N seconds, default ${DEFAULT_GRACE_SECONDS} (one day), 0 to stop it at once
  revoke-token --jti JTI                 refuse one token from the next request on
  limits --id ID [--set NAME=VALUE,…]    override limits of its agency (docs/access-matrix.md, Limits) for this
                                         client: e.g. --set requests=1200,trustedDocumentsOnly=false;
                                         NAME=default drops an override; prints the client`;

type Work = (clients: ClientService) => Promise<unknown>;

/** A mistake in the arguments: exit 2 with the usage. */
class ClientsUsageError extends Error {}

/**
 * `hub clients …`: administers the clients of the configured database. The
 * answer is JSON on stdout; a secret appears there once and nowhere else.
 * @returns the exit code: 0 done, 1 unknown client, 2 bad arguments.
 */
export async function clientsCommand(config: HubConfig, args: string[]): Promise<number> {
  let work: Work;
  try {
    // Arguments are checked before the database is opened, which may mean starting the embedded server.
    work = parse(args);
  } catch (error) {
    if (!(error instanceof ClientsUsageError || error instanceof BadUserInputError)) throw error;
    process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  return withDatabase(config, 2, async ({ db }) => {
    try {
      process.stdout.write(`${JSON.stringify(await work(new ClientService(new ClientRepository(db))))}\n`);
      return 0;
    } catch (error) {
      if (error instanceof UnknownClientError) {
        process.stderr.write(`error: ${error.message}\n`);
        return 1;
      }
      if (error instanceof BadUserInputError) {
        process.stderr.write(`error: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
  });
}

function parse(args: string[]): Work {
  const [command, ...rest] = args;
  switch (command) {
    case 'create': {
      const values = options(rest, ['name', 'agency', 'region', 'purposes']);
      const input = validateClientInput({
        name: required(values, 'name'),
        agency: required(values, 'agency'),
        jurisdiction: required(values, 'region'),
        purposes: values.purposes
          ?.split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      });
      return async (clients) => {
        const issued = await clients.create(input);
        log.info('client registered; store its secret now, it is not shown again');
        return issued;
      };
    }
    case 'list':
      options(rest, []);
      return (clients) => clients.list();
    case 'disable': {
      const id = clientId(options(rest, ['id']));
      return (clients) => clients.disable(id);
    }
    case 'rotate': {
      const values = options(rest, ['id', 'grace-seconds']);
      const id = clientId(values);
      const grace = values['grace-seconds'];
      if (grace !== undefined && !/^\d{1,9}$/.test(grace)) throw new ClientsUsageError('--grace-seconds must be a whole number of seconds');
      return (clients) => clients.rotateSecret(id, grace === undefined ? DEFAULT_GRACE_SECONDS : Number(grace));
    }
    case 'limits': {
      const values = options(rest, ['id', 'set']);
      const id = clientId(values);
      const changes = limitChanges(values.set ?? '');
      return (clients) => clients.setLimits(id, changes);
    }
    case 'revoke-token': {
      const jti = required(options(rest, ['jti']), 'jti');
      return (clients) => clients.revokeToken(jti);
    }
    case undefined:
      throw new ClientsUsageError('a command is needed');
    default:
      throw new ClientsUsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** `requests=1200,trustedDocumentsOnly=false,depth=default` as overrides (null: back to the agency's). */
function limitChanges(text: string): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [name, value] = pair.split('=').map((part) => part.trim());
    if (!name || value === undefined || value === '')
      throw new ClientsUsageError(`--set takes NAME=VALUE pairs, got ${JSON.stringify(pair)}`);
    changes[name] =
      value === 'default' ? null : value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value;
  }
  return changes;
}

function options(args: string[], names: string[]): Record<string, string | undefined> {
  try {
    return parseOptions(args, { values: names }).values;
  } catch (error) {
    throw new ClientsUsageError((error as Error).message);
  }
}

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new ClientsUsageError(`--${name} is required`);
  return value;
}

function clientId(values: Record<string, string | undefined>): string {
  const id = required(values, 'id');
  if (!isClientId(id)) throw new ClientsUsageError(`--id must be a client id (a UUID), got ${JSON.stringify(id)}`);
  return id;
}
