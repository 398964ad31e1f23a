import type { Agency, Purpose } from '../generated/prisma/enums.js';

/**
 * Who is calling, established once per request from a verified token before
 * anything is read: the client, its agency kind, its jurisdiction (a
 * region-code prefix) and the purposes it may declare.
 */
export interface Principal {
  clientId: string;
  agency: Agency;
  jurisdiction: string;
  purposes: Purpose[];
  /** The token's id, recorded in the audit log. */
  jti: string;
}
