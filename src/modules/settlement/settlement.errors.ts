import { ParameterNotSetError, PolicyInputError } from '../policy/policy.errors.js';
import { BadUserInputError, ParameterNotSetGraphQLError } from '../../shared/errors.js';

/** Names, as the schema does, the argument an engine field (`visit.inPolicyCost`, `serviceDate`) came from. */
export type ArgumentOf = (field: string) => string;

/**
 * The engine's fields of a visit as `quoteSettlement` and `settleClaim` take
 * them: the visit is the `input` itself (`visit.inPolicyCost` →
 * `input.inPolicyCost`). A field of the person's stored data (birth date,
 * statuses and their classes, region) is not the client's to correct but the
 * choice of person is: `input.personId`.
 */
export const visitArgument: ArgumentOf = (field) => {
  if (field.startsWith('visit.')) return `input.${field.slice('visit.'.length)}`;
  if (field === 'serviceDate') return 'input.serviceDate';
  return 'input.personId';
};

/** The engine's fields of a subsidy quote as `recordEnrollment` takes them; the person's stored data is `input.personId`. */
export const enrollmentArgument: ArgumentOf = (field) => {
  if (field === 'year' || field === 'personalContribution') return `input.${field}`;
  // The rule set is the one of the day of decision.
  if (field === 'serviceDate') return 'input.decidedOn';
  return 'input.personId';
};

/** The engine's fields of a region configuration as `setRegionConfig` takes them (`config.tilt.ratio` → `input.tilt.ratio`). */
export const regionConfigArgument: ArgumentOf = (field) => {
  if (field === 'serviceDate') return 'input.effectiveFrom';
  if (field === 'regionCode') return 'input.regionCode';
  if (field.startsWith('config.tilt.')) return `input.${field.slice('config.'.length)}`;
  // A per-category entry is an element of the input's list, whose index the engine does not know: the list.
  if (field.startsWith('config.')) return `input.${field.split('.')[1]}`;
  return 'input';
};

/**
 * The policy engine's errors as the API reports them: a parameter nobody set
 * is PARAMETER_NOT_SET naming rule set, category and parameter; input the
 * engine cannot evaluate is BAD_USER_INPUT naming the argument it came from.
 * Anything else passes unchanged (and is masked if it is not the hub's).
 */
function policyError(error: unknown, argumentOf: ArgumentOf): unknown {
  if (error instanceof ParameterNotSetError) {
    return new ParameterNotSetGraphQLError(error.message, {
      ruleSet: error.ruleSet,
      category: error.category,
      parameter: error.parameter,
      ...(error.visitType && { visitType: error.visitType }),
    });
  }
  if (error instanceof PolicyInputError) {
    const argument = argumentOf(error.field);
    // The engine's own name is kept where the argument does not say it (a category of a list, the person's stored data).
    const same = argument.split('.').at(-1) === error.field.split('.').at(-1);
    return new BadUserInputError(`${argument}: ${error.reason}${same ? '' : ` (${error.field})`}`, argument);
  }
  return error;
}

/** Runs pure policy code, translating its errors with `policyError`. */
export function withPolicyErrors<T>(argumentOf: ArgumentOf, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw policyError(error, argumentOf);
  }
}
