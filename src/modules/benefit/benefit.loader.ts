import DataLoader from 'dataloader';
import { loaderFamily, manyByKey, oneByKey } from '../../shared/loader.js';
import type { BenefitRepository } from './benefit.repository.js';

/** The arguments of `Person.benefits` after validation. */
export interface BenefitPageArgs {
  year: number | null;
  first: number;
  afterId: string | null;
}

/** Per-request loaders for benefit pages and yearly burden, one batch per distinct arguments. */
export function createBenefitLoaders(repository: BenefitRepository) {
  return {
    benefitPageByPerson: loaderFamily(
      ({ year, first, afterId }: BenefitPageArgs) =>
        new DataLoader(async (ids: readonly string[]) =>
          // One row more than asked tells whether a next page exists.
          manyByKey(ids, await repository.pageByPersonIds(ids, year, first + 1, afterId), (b) => b.personId),
        ),
    ),
    benefitCountByPerson: loaderFamily(
      (year: number | null) =>
        new DataLoader(async (ids: readonly string[]) => {
          const counts = oneByKey(ids, await repository.countByPersonIds(ids, year), (c) => c.personId);
          return counts.map((c) => c?._count._all ?? 0);
        }),
    ),
    burdenByPerson: loaderFamily(
      (year: number) =>
        new DataLoader(async (ids: readonly string[]) => oneByKey(ids, await repository.burdenByPersonIds(ids, year), (b) => b.personId)),
    ),
  };
}
