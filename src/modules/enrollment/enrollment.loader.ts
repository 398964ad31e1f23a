import DataLoader from 'dataloader';
import { loaderFamily, manyByKey } from '../../shared/loader.js';
import type { EnrollmentRepository } from './enrollment.repository.js';
import type { SubsidyDecisionRepository } from './subsidy-decision.repository.js';

/** Per-request loaders for enrollments, one batch per distinct `year`, and their subsidy decisions. */
export function createEnrollmentLoaders(repository: EnrollmentRepository, decisions: SubsidyDecisionRepository) {
  return {
    subsidyDecisionsByEnrollment: new DataLoader(async (ids: readonly string[]) =>
      manyByKey(ids, await decisions.findByEnrollmentIds(ids), (d) => d.enrollmentId),
    ),
    enrollmentsByPerson: loaderFamily(
      (year: number | null) =>
        new DataLoader(async (ids: readonly string[]) => manyByKey(ids, await repository.findByPersonIds(ids, year), (e) => e.personId)),
    ),
  };
}
