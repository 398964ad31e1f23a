import DataLoader from 'dataloader';
import { loaderFamily, manyByKey } from '../../shared/loader.js';
import type { EnrollmentRepository } from './enrollment.repository.js';

/** Per-request loaders for enrollments, one batch per distinct `year`. */
export function createEnrollmentLoaders(repository: EnrollmentRepository) {
  return {
    enrollmentsByPerson: loaderFamily(
      (year: number | null) =>
        new DataLoader(async (ids: readonly string[]) => manyByKey(ids, await repository.findByPersonIds(ids, year), (e) => e.personId)),
    ),
  };
}
