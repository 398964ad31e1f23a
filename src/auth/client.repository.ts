import { Prisma, type Client } from '../generated/prisma/client.js';
import type { Agency, Purpose } from '../generated/prisma/enums.js';
import type { Db } from '../server/prisma.js';
import { isUuid } from '../shared/validate.js';

/** A client to register, already validated. */
export interface NewClient {
  name: string;
  agency: Agency;
  jurisdiction: string;
  purposes: Purpose[];
  /** Overrides of the agency's limits, already validated. */
  limits?: Record<string, unknown>;
}

/**
 * Whether `id` has the shape of a client id. Client ids are UUID columns:
 * PostgreSQL rejects anything else with an error, where an unknown id must simply not be found.
 */
export const isClientId = isUuid;

/** Clients, their hashed secrets and revoked tokens: the only place that reads or writes them. */
/** A token's client as its record stands, read on every request. */
export interface TokenClient {
  agency: Agency;
  jurisdiction: string;
  purposes: Purpose[];
  active: boolean;
  revoked: boolean;
  /** Overrides of the agency's limits (limits-policy.ts), unvalidated JSON; null: none. */
  limits: unknown;
}

/** Hits to count on a rate counter's key in its window starting at `windowStart`. */
export interface CounterHit {
  key: string;
  windowStart: Date;
  cost: number;
}

export class ClientRepository {
  constructor(private readonly db: Db) {}

  /** Registers a client with its first secret. */
  create(client: NewClient, secretHash: string): Promise<Client> {
    const { limits, ...rest } = client;
    return this.db.client.create({
      data: { ...rest, ...(limits ? { limits: limits as Prisma.InputJsonObject } : {}), secrets: { create: { hash: secretHash } } },
    });
  }

  /** Every client, oldest first (ids are UUIDv7, ordered by creation). */
  list(): Promise<Client[]> {
    return this.db.client.findMany({ orderBy: { id: 'asc' } });
  }

  /** The client of `id`; null when there is none, or `id` is not even a client id. */
  async findById(id: string): Promise<Client | null> {
    return isClientId(id) ? this.db.client.findUnique({ where: { id } }) : null;
  }

  /** The client with the hashes of its secrets still valid at `now`. */
  async findWithValidSecrets(id: string, now: Date): Promise<(Client & { secrets: { hash: string }[] }) | null> {
    if (!isClientId(id)) return null;
    return this.db.client.findUnique({
      where: { id },
      include: { secrets: { where: { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, select: { hash: true } } },
    });
  }

  /** Marks the client disabled as of `now`. */
  disable(id: string, now: Date): Promise<Client> {
    return this.db.client.update({ where: { id }, data: { status: 'DISABLED', disabledAt: now } });
  }

  /**
   * Adds a secret and makes the client's other secrets expire at
   * `previousExpireAt`, unless they expire earlier already.
   */
  async addSecret(clientId: string, secretHash: string, previousExpireAt: Date): Promise<void> {
    await this.db.$transaction([
      this.db.clientSecret.updateMany({
        where: { clientId, OR: [{ expiresAt: null }, { expiresAt: { gt: previousExpireAt } }] },
        data: { expiresAt: previousExpireAt },
      }),
      this.db.clientSecret.create({ data: { clientId, hash: secretHash } }),
    ]);
  }

  /** Records a revoked token id; revoking it again changes nothing. */
  async revokeToken(jti: string, clientId: string, expiresAt: Date): Promise<void> {
    await this.db.revokedToken.upsert({ where: { jti }, create: { jti, clientId, expiresAt }, update: {} });
  }

  /**
   * The client of a token as its record stands now (with its limit overrides), and whether that token id
   * is revoked: one statement, as it runs on every request. Null when there is
   * no such client.
   */
  async tokenClient(clientId: string, jti: string): Promise<TokenClient | null> {
    if (!isClientId(clientId)) return null;
    const [row] = await this.db.$queryRaw<TokenClient[]>`
      SELECT c.agency::text AS agency, c.jurisdiction, c.purposes::text[] AS purposes, c.status = 'ACTIVE' AS active, c.limits,
             EXISTS (SELECT 1 FROM revoked_token WHERE jti = ${jti}) AS revoked
      FROM client c WHERE c.id = ${clientId}::uuid`;
    return row ?? null;
  }

  /**
   * As {@link tokenClient}, and in the same statement counts `hit` on the
   * rate counter (rate-counter.repository.ts's upsert) when the client is
   * active and the token not revoked: the one statement an HTTP request
   * runs before its operation. `hits` is the count after it; null when
   * nothing was counted.
   */
  async tokenClientCounting(clientId: string, jti: string, hit: CounterHit): Promise<(TokenClient & { hits: number | null }) | null> {
    if (!isClientId(clientId)) return null;
    const [row] = await this.db.$queryRaw<(TokenClient & { hits: number | null })[]>`
      WITH c AS (
        SELECT c.agency::text AS agency, c.jurisdiction, c.purposes::text[] AS purposes, c.status = 'ACTIVE' AS active, c.limits,
               EXISTS (SELECT 1 FROM revoked_token WHERE jti = ${jti}) AS revoked
        FROM client c WHERE c.id = ${clientId}::uuid
      ), hit AS (
        INSERT INTO rate_counter (key, window_start, hits)
        SELECT ${hit.key}, ${hit.windowStart}::timestamptz, ${hit.cost}::int FROM c WHERE c.active AND NOT c.revoked
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN rate_counter.window_start = EXCLUDED.window_start THEN rate_counter.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
          window_start = EXCLUDED.window_start
        RETURNING hits
      )
      SELECT c.agency, c.jurisdiction, c.purposes, c.active, c.limits, c.revoked, (SELECT hits FROM hit) AS hits FROM c`;
    return row ?? null;
  }

  /**
   * Whether a token of this client and id may still be used: the client is
   * active and the token not revoked. One statement on two primary keys, as it
   * runs on every request.
   */
  async isTokenUsable(clientId: string, jti: string): Promise<boolean> {
    return (await this.usableClient(clientId, jti)) !== null;
  }

  /**
   * The client's limit overrides when a token of this client and id may still
   * be used (the client active, the token not revoked), null when not: the
   * one statement every request runs, with what the access guard needs.
   */
  async usableClient(clientId: string, jti: string): Promise<{ limits: unknown } | null> {
    if (!isClientId(clientId)) return null;
    const [row] = await this.db.$queryRaw<{ limits: unknown }[]>`
      SELECT c.limits FROM client c
      WHERE c.id = ${clientId}::uuid AND c.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM revoked_token WHERE jti = ${jti})`;
    return row ?? null;
  }

  /** Replaces the client's limit overrides (null: its agency's limits). */
  async setLimits(id: string, limits: Record<string, unknown> | null): Promise<Client> {
    return this.db.client.update({ where: { id }, data: { limits: limits ? (limits as Prisma.InputJsonObject) : Prisma.DbNull } });
  }
}
