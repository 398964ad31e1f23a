import DataLoader from 'dataloader';
import type { Prisma } from '../../generated/prisma/client.js';
import { manyByKey } from '../../shared/loader.js';
import type { AlertRepository } from './alert.repository.js';

/** Per-request loaders for a person's alerts (within the caller's alert scope) and an alert's deliveries. */
export function createAlertLoaders(repository: AlertRepository, scope: Prisma.AlertWhereInput) {
  return {
    alertsByPerson: new DataLoader(async (ids: readonly string[]) =>
      manyByKey(ids, await repository.findByPersonIds(ids, scope), (a) => a.personId),
    ),
    deliveriesByAlert: new DataLoader(async (ids: readonly string[]) =>
      manyByKey(ids, await repository.deliveriesByAlertIds(ids), (d) => d.alertId),
    ),
  };
}
