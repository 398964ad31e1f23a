import { log } from '../../shared/log.js';
import type { SubsidyDecisionService } from '../enrollment/subsidy-decision.service.js';
import type { SupplementService } from '../settlement/supplement.service.js';

/**
 * What the hub itself does when a certification version is stored (issue #11,
 * "Events"): the subsidy decision for an enrolled person, and supplementary
 * assistance for the visits it was dated back before. Run by the outbox job
 * `follow_certification`, at least once: every step is idempotent by the
 * certification version, so a second run, or one after a crash, adds nothing.
 */
export class CertificationFollowUp {
  constructor(
    private readonly subsidies: SubsidyDecisionService,
    private readonly supplements: SupplementService,
  ) {}

  async run(statusId: string): Promise<void> {
    const decision = await this.subsidies.decide(statusId);
    if (decision) log.info('subsidy decided on a new certification', { statusId, decisionId: decision.id });
    const paid = await this.supplements.supplement(statusId);
    if (paid.length > 0) log.info('supplementary assistance paid on a certification dated back', { statusId, supplements: paid.length });
  }
}
