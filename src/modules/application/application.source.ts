import type { AssistanceCategory } from '../../generated/prisma/enums.js';
import { parseDate } from '../../shared/dates.js';
import type { ApprovedApplication, Applications, IsoDate } from '../policy/policy.types.js';
import type { ApplicationSource } from '../settlement/application.source.js';
import type { ApplicationRepository } from './application.repository.js';

/**
 * The hub's applications as the settlement reads them: the approved ones whose
 * period covers the service date, by category, each cited by its id in the
 * explanation. A category assisted only on application and without one is no
 * candidate.
 */
export class StoredApplications implements ApplicationSource {
  constructor(private readonly repository: ApplicationRepository) {}

  async forSettlement(personId: string, date: IsoDate): Promise<Applications> {
    const rows = await this.repository.approvedCovering(personId, parseDate(date)!);
    const approved: Partial<Record<AssistanceCategory, ApprovedApplication>> = {};
    for (const row of rows) approved[row.category] ??= { reference: `application ${row.id}` };
    return { tracked: true, approved };
  }
}
