import { formatDate } from '../../shared/dates.js';
import { log } from '../../shared/log.js';
import { formatMoney, ZERO } from '../../shared/money.js';
import type { PersonRepository } from '../person/person.repository.js';
import { ParameterNotSetError, PolicyInputError } from '../policy/policy.errors.js';
import type { ExplanationStep } from '../policy/policy.types.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { resolveRuleSet } from '../policy/rule-set.resolve.js';
import { activeCategoriesOn } from '../policy/settlement.engine.js';
import { quoteSubsidy } from '../policy/subsidy.engine.js';
import type { RegionConfigRepository } from '../region-config/region-config.repository.js';
import { regionConfigInForce } from '../region-config/region-config.service.js';
import type { HouseholdStatusRepository } from '../status/household-status.repository.js';
import type { EnrollmentRepository } from './enrollment.repository.js';
import type { SubsidyDecisionRepository } from './subsidy-decision.repository.js';

/**
 * The subsidy decision a new certification leads to (issue #11, domain.md §4):
 * a person already enrolled in resident insurance for the year of the
 * certification gets the subsidy the governing rule set gives on the day it
 * takes effect, the highest of its categories (就高从优). A subsidy is paid in
 * the month of certification (jiaxing-2023 二(二)6): the next-month start of
 * benefits does not delay it. The hub's own follow-up of a certification, run
 * by the outbox; deciding again changes nothing.
 */
export class SubsidyDecisionService {
  constructor(
    private readonly repository: SubsidyDecisionRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly statuses: HouseholdStatusRepository,
    private readonly persons: PersonRepository,
    private readonly regionConfigs: RegionConfigRepository,
  ) {}

  /**
   * Decides for the certification version `statusId`; the decision stored, or
   * null when it earns nothing more than the enrollment has (or there is no
   * enrollment, or the version is superseded or revoked).
   */
  async decide(statusId: string) {
    const status = await this.statuses.findCurrent(statusId);
    if (!status || status.revokedAt) return null;
    const decidedOn = formatDate(status.validFrom);
    const year = Number(decidedOn.slice(0, 4));
    const enrollment = await this.enrollments.find(status.personId, year, 'RESIDENT');
    if (!enrollment?.personalContribution) return null;
    const done = await this.repository.find(enrollment.id, status.id);
    if (done) return done;
    const [person] = await this.persons.findByIds([status.personId]);
    if (!person) return null;
    const version = await regionConfigInForce(this.regionConfigs, person.regionCode, `${year}-01-01`);
    const statuses = await this.statuses.findCurrentByPersonIds([person.id]);
    let ruleSetId: string;
    let quote: ReturnType<typeof quoteSubsidy>;
    let timing: ExplanationStep | null = null;
    try {
      const ruleSet = resolveRuleSet(governingRuleSet(person.regionCode, decidedOn), version?.config ?? {});
      // The subsidy of the month of certification: the rule that benefits start next month is not the subsidy's.
      const categories = activeCategoriesOn(statuses, decidedOn, { ...ruleSet, timing: null });
      quote = quoteSubsidy({ ruleSet, year, personalContribution: enrollment.personalContribution, categories });
      ruleSetId = ruleSet.id;
      if (ruleSet.timing) {
        timing = {
          step: 'timing',
          amount: null,
          detail: `subsidised in ${decidedOn.slice(0, 7)}, the month of certification`,
          citation: ruleSet.timing.citation,
        };
      }
    } catch (error) {
      // A parameter left to the region and not configured: no decision can be made until it is; the job does not retry forever.
      if (error instanceof ParameterNotSetError || error instanceof PolicyInputError) {
        log.warn(`no subsidy decision for certification ${status.id}: ${error.message}`);
        return null;
      }
      throw error;
    }
    const previous = enrollment.subsidyAmount ?? ZERO;
    if (quote.category === null || !quote.subsidy.greaterThan(previous)) return null;
    const difference = quote.subsidy.minus(previous);
    const stored = await this.repository.store({
      enrollmentId: enrollment.id,
      statusId: status.id,
      decidedOn: status.validFrom,
      previousAmount: previous,
      amount: quote.subsidy,
      difference,
      category: quote.category,
      ruleSet: ruleSetId,
      explanation: [
        ...quote.explanation,
        ...(timing ? [timing] : []),
        {
          step: 'difference',
          amount: formatMoney(difference),
          detail: `${formatMoney(quote.subsidy)} decided, ${formatMoney(previous)} already granted for ${year}`,
          citation: 'domain.md §4 (the highest subsidy applies)',
        },
      ],
    });
    // Lost a race (the enrollment changed, or another run stored it): the next run decides on what is stored now.
    if (!stored) throw new Error(`the enrollment ${enrollment.id} changed while deciding; deciding again`);
    return stored;
  }
}
