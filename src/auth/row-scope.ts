import type { Prisma } from '../generated/prisma/client.js';
import { activeOnSql, activeOnWhere } from '../modules/status/household-status.repository.js';
import { formatDate } from '../shared/dates.js';
import { likePrefix, type SqlText } from '../shared/planned.js';
import { ALERT_REACH, HEALTH_MONITORED_CATEGORIES, ROW_SCOPE } from './access-policy.js';
import type { Principal } from './principal.js';

/**
 * The persons a principal may see, as a Prisma filter that every person query
 * ANDs in: rows out of scope never leave PostgreSQL, so a lookup returns null,
 * a list leaves them out and counts do not include them.
 */
export function personScope(principal: Principal, today: Date): Prisma.PersonWhereInput {
  const inJurisdiction: Prisma.PersonWhereInput = principal.jurisdiction ? { regionCode: { startsWith: principal.jurisdiction } } : {};
  const current = { validFrom: { lte: today }, revokedAt: null, OR: [{ validTo: null }, { validTo: { gte: today } }] };
  switch (ROW_SCOPE[principal.agency]) {
    case 'JURISDICTION':
      return inJurisdiction;
    case 'JURISDICTION_RURAL':
      return { ...inJurisdiction, residence: 'RURAL' };
    case 'JURISDICTION_MONITORED':
      return { ...inJurisdiction, statuses: { some: { category: { in: [...HEALTH_MONITORED_CATEGORIES] }, ...activeOnWhere(today) } } };
    case 'REFERRED':
      return { referrals: { some: { clientId: principal.clientId, ...current } } };
    case 'CONSENTED':
      return { consents: { some: { clientId: principal.clientId, ...current } } };
    case 'NONE':
      return { id: { in: [] } };
  }
}

/** What {@link personScopeSql} reads its values from. */
export interface ScopeEnv {
  principal: Principal;
  today: Date;
}

/**
 * {@link personScope} in SQL, for planned reads: the condition on the person
 * alias `p`, its values as parameters of `sql`. The text depends only on the
 * agency and on whether the principal has a jurisdiction (the plan cache's key).
 */
export function personScopeSql<E extends ScopeEnv>(principal: Principal, p: string, sql: SqlText<E>): string {
  // Built only where the scope uses them: a parameter not in the text has no type PostgreSQL could infer.
  const inJurisdiction = () =>
    principal.jurisdiction ? `${p}.region_code LIKE ${sql.param((env) => likePrefix(env.principal.jurisdiction), 'text')}` : 'true';
  const today = () => sql.param((env) => formatDate(env.today), 'date');
  const current = (table: string) => {
    const day = today();
    return (
      `EXISTS (SELECT 1 FROM ${table} g WHERE g.person_id = ${p}.id AND g.client_id = ${sql.param((env) => env.principal.clientId, 'uuid')}` +
      ` AND g.valid_from <= ${day} AND g.revoked_at IS NULL AND (g.valid_to IS NULL OR g.valid_to >= ${day}))`
    );
  };
  switch (ROW_SCOPE[principal.agency]) {
    case 'JURISDICTION':
      return inJurisdiction();
    case 'JURISDICTION_RURAL':
      return `${inJurisdiction()} AND ${p}.residence = 'RURAL'`;
    case 'JURISDICTION_MONITORED': {
      const categories = sql.param(() => [...HEALTH_MONITORED_CATEGORIES], 'text[]');
      return (
        `${inJurisdiction()} AND EXISTS (SELECT 1 FROM household_status s WHERE s.person_id = ${p}.id` +
        ` AND s.category::text = ANY(${categories}) AND ${activeOnSql('s', today())})`
      );
    }
    case 'REFERRED':
      return current('charity_referral');
    case 'CONSENTED':
      return current('consent');
    case 'NONE':
      return 'false';
  }
}

/**
 * The alerts a principal may see: of persons within `persons` (its row
 * scope), and for target agencies only those pushed to them.
 */
export function alertScope(principal: Principal, persons: Prisma.PersonWhereInput): Prisma.AlertWhereInput {
  const reach = ALERT_REACH[principal.agency];
  if (!reach) return { id: { in: [] } };
  return { person: persons, ...(reach === 'TARGETED' && { targets: { has: principal.agency } }) };
}
