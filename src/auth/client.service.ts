import type { Client } from '../generated/prisma/client.js';
import { Agency, type Purpose } from '../generated/prisma/enums.js';
import { BadUserInputError, ErrorCode, HubError } from '../shared/errors.js';
import { AGENCY_PURPOSES } from './access-policy.js';
import { overrideError } from './limits-policy.js';
import type { ClientRepository, NewClient } from './client.repository.js';
import { generateSecret, hashSecret } from './secret-hash.js';
import { MAX_TOKEN_TTL_SECONDS } from './signing-keys.js';
import { clientIdOfTokenId } from './token.service.js';

/** How long a rotated-out secret keeps working by default: one day, time to deploy the new one. */
export const DEFAULT_GRACE_SECONDS = 86_400;

/** The longest grace a rotation may give the old secret (30 days). */
export const MAX_GRACE_SECONDS = 30 * 86_400;

/** A client's registration as given by an administrator, not yet validated. */
export interface ClientInput {
  name: string;
  agency: string;
  jurisdiction: string;
  /** Omitted: every purpose of the agency. */
  purposes?: readonly string[];
  /** Overrides of the agency's limits (limits-policy.ts); omitted: none. */
  limits?: Record<string, unknown>;
}

/** A client as administrators see it: never a secret or a hash. */
export interface ClientView {
  id: string;
  name: string;
  agency: Agency;
  jurisdiction: string;
  purposes: Purpose[];
  status: Client['status'];
  createdAt: string;
  disabledAt: string | null;
  /** Its overrides of the agency's limits; {} when none. */
  limits: Record<string, unknown>;
}

/** A secret shown once, when it is created. */
export interface IssuedSecret {
  clientId: string;
  clientSecret: string;
}

/** No client has this id. */
export class UnknownClientError extends HubError {
  constructor(id: string) {
    super(`no client has the id ${JSON.stringify(id)}`, ErrorCode.NOT_FOUND);
  }
}

/**
 * Checks a registration: a known agency, a jurisdiction that is '' (the whole
 * country) or a region prefix of 1 to 6 digits, and purposes within the
 * agency's (access-policy.md §3), all of them when none are given.
 */
export function validateClientInput(input: ClientInput): NewClient {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 120 || /\p{Cc}/u.test(name)) {
    throw new BadUserInputError('the name must be 1 to 120 printable characters', 'name');
  }
  if (!isEnumValue(Agency, input.agency)) {
    throw new BadUserInputError(`unknown agency ${JSON.stringify(input.agency)}; one of ${Object.values(Agency).join(', ')}`, 'agency');
  }
  const agency = input.agency;
  if (!/^\d{0,6}$/.test(input.jurisdiction)) {
    throw new BadUserInputError("the region must be a region-code prefix of 1 to 6 digits, or '' for the whole country", 'region');
  }
  const allowed = AGENCY_PURPOSES[agency];
  if (input.purposes === undefined) return { name, agency, jurisdiction: input.jurisdiction, purposes: [...allowed] };
  const outside = input.purposes.filter((p) => !allowed.includes(p as Purpose));
  if (outside.length > 0) {
    const may = allowed.length > 0 ? `may declare only ${allowed.join(', ')}` : 'declares no purpose';
    throw new BadUserInputError(`purpose(s) ${outside.join(', ')} not allowed: ${agency} ${may}`, 'purposes');
  }
  if (input.purposes.length === 0 && allowed.length > 0) {
    throw new BadUserInputError(`a ${agency} client needs at least one purpose`, 'purposes');
  }
  // Listed in the policy's order, once each, whatever order they were given in.
  return { name, agency, jurisdiction: input.jurisdiction, purposes: allowed.filter((p) => input.purposes!.includes(p)) };
}

/** Registers, lists, disables clients, rotates their secrets and revokes their tokens. */
export class ClientService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Registers a client; its secret is in the answer and nowhere else. */
  async create(input: ClientInput): Promise<IssuedSecret> {
    const client = validateClientInput(input);
    const limits = input.limits && Object.keys(input.limits).length > 0 ? validateOverrides(input.limits) : undefined;
    const clientSecret = generateSecret();
    const created = await this.clients.create({ ...client, ...(limits ? { limits } : {}) }, await hashSecret(clientSecret));
    return { clientId: created.id, clientSecret };
  }

  /**
   * Sets the client's overrides of its agency's limits, merged over those it
   * has (`null` for one name drops it); the next request uses them.
   */
  async setLimits(id: string, changes: Record<string, unknown>): Promise<ClientView> {
    const client = await this.existing(id);
    const current = (typeof client.limits === 'object' && client.limits !== null ? client.limits : {}) as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...current };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    validateOverrides(merged);
    return view(await this.clients.setLimits(id, Object.keys(merged).length > 0 ? merged : null));
  }

  /** Every client, oldest first. */
  async list(): Promise<ClientView[]> {
    return (await this.clients.list()).map(view);
  }

  /** Disables a client: it gets no new token, and its tokens stop working on their next request. */
  async disable(id: string): Promise<ClientView> {
    const client = await this.existing(id);
    // Disabling twice keeps the time of the first.
    return view(client.status === 'DISABLED' ? client : await this.clients.disable(id, this.clock()));
  }

  /**
   * Issues a new secret. The previous ones keep working for `graceSeconds`
   * (0: they stop at once), so the client can switch without downtime.
   */
  async rotateSecret(
    id: string,
    graceSeconds: number = DEFAULT_GRACE_SECONDS,
  ): Promise<IssuedSecret & { previousSecretsExpireAt: string }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw new BadUserInputError(`the grace must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`, 'graceSeconds');
    }
    await this.existing(id);
    const clientSecret = generateSecret();
    const previousExpireAt = new Date(this.clock().getTime() + graceSeconds * 1000);
    await this.clients.addSecret(id, await hashSecret(clientSecret), previousExpireAt);
    return { clientId: id, clientSecret, previousSecretsExpireAt: previousExpireAt.toISOString() };
  }

  /** Revokes one token by its id (`jti`), from its next request on. */
  async revokeToken(jti: string): Promise<{ jti: string; clientId: string; expiresAt: string }> {
    const clientId = clientIdOfTokenId(jti);
    if (!clientId) throw new BadUserInputError(`${JSON.stringify(jti)} is not the id of a token issued by this hub`, 'jti');
    await this.existing(clientId);
    // No token lives longer than the maximum lifetime, so after it the record is no longer needed.
    const expiresAt = new Date(this.clock().getTime() + MAX_TOKEN_TTL_SECONDS * 1000);
    await this.clients.revokeToken(jti, clientId, expiresAt);
    return { jti, clientId, expiresAt: expiresAt.toISOString() };
  }

  private async existing(id: string): Promise<Client> {
    const client = await this.clients.findById(id);
    if (!client) throw new UnknownClientError(id);
    return client;
  }
}

function view(client: Client): ClientView {
  const { id, name, agency, jurisdiction, purposes, status, createdAt, disabledAt } = client;
  const limits = typeof client.limits === 'object' && client.limits !== null && !Array.isArray(client.limits) ? client.limits : {};
  return {
    id,
    name,
    agency,
    jurisdiction,
    purposes,
    status,
    createdAt: createdAt.toISOString(),
    disabledAt: disabledAt?.toISOString() ?? null,
    limits: limits as Record<string, unknown>,
  };
}

/** Checks limit overrides (limits-policy.ts); BAD_USER_INPUT on `limits` naming the one at fault. */
function validateOverrides(overrides: Record<string, unknown>): Record<string, unknown> {
  const error = overrideError(overrides);
  if (error) throw new BadUserInputError(error, 'limits');
  return overrides;
}

function isEnumValue<T extends string>(values: Record<string, T>, value: string): value is T {
  return (Object.values(values) as string[]).includes(value);
}
