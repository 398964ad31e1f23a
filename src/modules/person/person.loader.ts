import DataLoader from 'dataloader';
import type { Prisma } from '../../generated/prisma/client.js';
import { manyByKey, oneByKey } from '../../shared/loader.js';
import type { PersonRepository } from './person.repository.js';

/** Per-request loaders for persons, within the caller's row scope. */
export function createPersonLoaders(repository: PersonRepository, scope: Prisma.PersonWhereInput) {
  return {
    personById: new DataLoader(async (ids: readonly string[]) => oneByKey(ids, await repository.findByIds(ids, scope), (p) => p.id)),
    changesByPerson: new DataLoader(async (ids: readonly string[]) =>
      manyByKey(ids, await repository.changesByPersonIds(ids), (c) => c.personId),
    ),
    membersByHousehold: new DataLoader(async (ids: readonly string[]) =>
      manyByKey(ids, await repository.findByHouseholdIds(ids, scope), (p) => p.householdId!),
    ),
  };
}
