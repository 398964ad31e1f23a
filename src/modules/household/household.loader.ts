import DataLoader from 'dataloader';
import { oneByKey } from '../../shared/loader.js';
import type { HouseholdRepository } from './household.repository.js';

/** Per-request loaders for households. */
export function createHouseholdLoaders(repository: HouseholdRepository) {
  return {
    householdById: new DataLoader(async (ids: readonly string[]) => oneByKey(ids, await repository.findByIds(ids), (h) => h.id)),
  };
}
