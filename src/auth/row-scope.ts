import type { Prisma } from '../generated/prisma/client.js';
import { activeOnWhere } from '../modules/status/household-status.repository.js';
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

/**
 * The alerts a principal may see: of persons within `persons` (its row
 * scope), and for target agencies only those pushed to them.
 */
export function alertScope(principal: Principal, persons: Prisma.PersonWhereInput): Prisma.AlertWhereInput {
  const reach = ALERT_REACH[principal.agency];
  if (!reach) return { id: { in: [] } };
  return { person: persons, ...(reach === 'TARGETED' && { targets: { has: principal.agency } }) };
}
