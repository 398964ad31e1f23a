import DataLoader from 'dataloader';
import type { Prisma } from '../../generated/prisma/client.js';
import { oneByKey } from '../../shared/loader.js';
import type { HouseholdRepository } from './household.repository.js';

/** Per-request loaders for households. */
export function createHouseholdLoaders(repository: HouseholdRepository, personScope: Prisma.PersonWhereInput) {
  return {
    householdById: new DataLoader(async (ids: readonly string[]) =>
      oneByKey(ids, await repository.findByIds(ids, personScope), (h) => h.id),
    ),
  };
}
