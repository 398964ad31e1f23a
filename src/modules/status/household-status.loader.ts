import DataLoader from 'dataloader';
import { loaderFamily, manyByKey } from '../../shared/loader.js';
import type { HouseholdStatusRepository } from './household-status.repository.js';

/** Per-request loaders for statuses, one batch per distinct `activeOn`. */
export function createStatusLoaders(repository: HouseholdStatusRepository) {
  return {
    statusesByPerson: loaderFamily(
      (activeOn: Date | null) =>
        new DataLoader(async (ids: readonly string[]) =>
          manyByKey(ids, await repository.findByPersonIds(ids, activeOn), (s) => s.personId),
        ),
    ),
  };
}
