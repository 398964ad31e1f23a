import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { AGENCIES } from '../../auth/access-policy.js';
import type { ClientService, IssuedSecret } from '../../auth/client.service.js';
import type { Agency } from '../../generated/prisma/enums.js';
import { log } from '../../shared/log.js';

/** Where a first start leaves the demo clients' credentials (mode 0600). */
export function demoClientsFile(dataDir: string): string {
  return path.join(dataDir, 'demo-clients.json');
}

/**
 * Registers one demo client per agency for Zhangye (6207), refers 20 demo
 * persons to the demo charity and has 50 consent to the demo insurer, so that
 * every agency's view can be tried at once. The secrets go to a file in the
 * data directory, never to the log.
 */
export async function createDemoClients(clients: ClientService, pool: pg.Pool, dataDir: string): Promise<void> {
  const created: (IssuedSecret & { agency: Agency })[] = [];
  for (const agency of AGENCIES.filter((a) => a !== 'HUB_ADMIN')) {
    created.push({ agency, ...(await clients.create({ name: `demo ${agency.toLowerCase()}`, agency, jurisdiction: '6207' })) });
  }
  const idOf = (agency: Agency) => created.find((c) => c.agency === agency)!.clientId;
  const grant = (table: string, purpose: string, client: string, count: number) =>
    pool.query(
      `INSERT INTO ${table} (id, person_id, client_id, purpose, valid_from, created_by_client_id)
       SELECT gen_random_uuid(), id, $1, $2::"Purpose", DATE '2024-01-01', $3 FROM person WHERE region_code LIKE '6207%' ORDER BY id LIMIT $4`,
      [client, purpose, idOf('MEDICAL_INSURANCE'), count],
    );
  await grant('charity_referral', 'CHARITY_AID', idOf('CHARITY'), 20);
  await grant('consent', 'CLAIM_COORDINATION', idOf('INSURER'), 50);
  await writeFile(demoClientsFile(dataDir), `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  log.info(`registered ${created.length} demo clients; their credentials are in ${demoClientsFile(dataDir)}`);
}
