import type { Prisma } from '../../generated/prisma/client.js';
import { isUniqueViolation } from '../../server/prisma.js';
import { formatDate, today } from '../../shared/dates.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors.js';
import { requireUuid, requireYear } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { PersonRepository } from '../person/person.repository.js';
import { governingRuleSet, RULE_SETS } from '../policy/rule-set.data.js';
import { resolveRuleSet } from '../policy/rule-set.resolve.js';
import { activeCategoriesOn } from '../policy/settlement.engine.js';
import { quoteSubsidy } from '../policy/subsidy.engine.js';
import type { RegionConfigService } from '../region-config/region-config.service.js';
import { enrollmentArgument, withPolicyErrors } from '../settlement/settlement.errors.js';
import type { HouseholdStatusRepository } from '../status/household-status.repository.js';
import type { EnrollmentInput } from './enrollment.input.js';
import type { EnrollmentRepository } from './enrollment.repository.js';
import type { Enrollment } from './enrollment.type.js';

/**
 * Records enrollments (参保) with the contribution subsidy of domain.md §4:
 * the rule set governing the benefit year, the region's configuration, the
 * categories active on the day the subsidy is decided, the highest applying.
 */
export class EnrollmentService {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly persons: PersonRepository,
    private readonly statuses: HouseholdStatusRepository,
    private readonly regionConfigs: RegionConfigService,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
  ) {}

  /** Stores the enrollment once; recording the same again returns it, a different one for the same year and scheme is a CONFLICT. */
  async record(input: EnrollmentInput): Promise<Enrollment> {
    try {
      return await this.recordOnce(input);
    } catch (error) {
      // The same enrollment recorded by a concurrent request: answer as a retry would.
      if (!isUniqueViolation(error)) throw error;
      return this.recordOnce(input);
    }
  }

  private async recordOnce(input: EnrollmentInput): Promise<Enrollment> {
    const personId = requireUuid(input.personId, 'input.personId');
    const year = requireYear(input.year, 'input.year');
    const contribution = input.personalContribution ?? null;
    if (input.scheme === 'RESIDENT' && !contribution) {
      throw new BadUserInputError('a RESIDENT enrollment needs its personalContribution', 'input.personalContribution');
    }
    if (input.scheme === 'EMPLOYEE' && contribution) {
      throw new BadUserInputError(
        'the subsidy is for resident insurance: an EMPLOYEE enrollment has no personalContribution',
        'input.personalContribution',
      );
    }
    const decidedOn = formatDate(input.decidedOn ?? today());
    if (Number(decidedOn.slice(0, 4)) > year) throw new BadUserInputError(`decidedOn must not be after ${year}`, 'input.decidedOn');
    if (decidedOn < RULE_SETS['national-2021'].effectiveFrom) {
      throw new BadUserInputError(
        `decidedOn is before any rule set of the hub (${RULE_SETS['national-2021'].effectiveFrom})`,
        'input.decidedOn',
      );
    }
    const [person] = await this.persons.findByIds([personId], this.scope);
    if (!person) throw new NotFoundError('no person with this id', 'input.personId');
    this.audit.record({ personIds: [person.id] });

    const existing = await this.repository.find(person.id, year, input.scheme);
    if (existing) {
      if ((existing.personalContribution?.toFixed(2) ?? null) !== (contribution?.toFixed(2) ?? null)) {
        throw new ConflictError(`${person.id} is already enrolled in ${input.scheme} for ${year} with another contribution`, {
          argument: 'input.personalContribution',
        });
      }
      return existing;
    }

    let subsidy = null;
    if (contribution) {
      const yearStart = `${year}-01-01`;
      const version = await this.regionConfigs.inForce(person.regionCode, yearStart);
      const statuses = await this.statuses.findCurrentByPersonIds([person.id]);
      subsidy = withPolicyErrors(enrollmentArgument, () => {
        // The rule set of the day of decision: contributions for a benefit year are collected in the year before (gansu-2023 一(二)).
        const ruleSet = resolveRuleSet(governingRuleSet(person.regionCode, decidedOn), version?.config ?? {});
        const categories = activeCategoriesOn(statuses, decidedOn, ruleSet);
        return { ruleSet: ruleSet.id, ...quoteSubsidy({ ruleSet, year, personalContribution: contribution, categories }) };
      });
    }
    return this.audit.transaction((tx) =>
      this.repository.create(tx, {
        personId: person.id,
        year,
        scheme: input.scheme,
        personalContribution: contribution,
        subsidyAmount: subsidy?.subsidy ?? null,
        subsidyCategory: subsidy?.category ?? null,
        ruleSet: subsidy?.ruleSet ?? null,
      }),
    );
  }
}
