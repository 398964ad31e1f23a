import { ErrorCode } from '../../shared/errors.js';
import type { AssistanceCategory, RuleSetId, VisitType } from './policy.types.js';

/** The parameters a rule set may leave to the region's configuration. */
export type PolicyParameter = 'threshold' | 'ratio' | 'cap' | 'income' | 'subsidy';

/**
 * A parameter the rule set's source does not state and the region has not
 * configured. The engine refuses rather than guess a policy number
 * (domain.md §5.1); the GraphQL layer maps `code` to `extensions.code`.
 */
export class ParameterNotSetError extends Error {
  /** Error code of api-contract.md. */
  readonly code = ErrorCode.PARAMETER_NOT_SET;

  /**
   * @param ruleSet   the rule set the caller settles under (not the ancestor that left the gap)
   * @param category  the category that needs the parameter
   * @param parameter the missing parameter
   * @param visitType the visit type a ratio is missing for; an outpatient ratio is configured apart from the inpatient one
   */
  constructor(
    readonly ruleSet: RuleSetId,
    readonly category: AssistanceCategory,
    readonly parameter: PolicyParameter,
    readonly visitType: VisitType | null = null,
  ) {
    super(
      `${ruleSet} sets no ${parameter} for ${category}${visitType && visitType !== 'INPATIENT' ? ` (${visitType})` : ''}; configure it`,
    );
    this.name = 'ParameterNotSetError';
  }
}

/**
 * Input the policy engine cannot evaluate: a visit whose payments exceed its
 * cost, a missing MINIMUM_LIVING class where the ratio depends on it, a date
 * before the rule set takes effect. Maps to BAD_USER_INPUT.
 */
export class PolicyInputError extends Error {
  /** Error code of api-contract.md. */
  readonly code = ErrorCode.BAD_USER_INPUT;

  /**
   * @param field  path of the offending input, e.g. `visit.inPolicyCost`
   * @param reason what is wrong with it
   */
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PolicyInputError';
  }
}
