import { ParameterNotSetError, PolicyInputError } from '../policy/policy.errors.js';
import { BadUserInputError, ParameterNotSetGraphQLError } from '../../shared/errors.js';

/**
 * The policy engine's errors as the API reports them: a parameter nobody set
 * is PARAMETER_NOT_SET naming rule set, category and parameter; input the
 * engine cannot evaluate is BAD_USER_INPUT naming the field under `prefix`.
 * Anything else passes unchanged (and is masked if it is not the hub's).
 */
function policyError(error: unknown, prefix: string): unknown {
  if (error instanceof ParameterNotSetError) {
    return new ParameterNotSetGraphQLError(error.message, {
      ruleSet: error.ruleSet,
      category: error.category,
      parameter: error.parameter,
      ...(error.visitType && { visitType: error.visitType }),
    });
  }
  if (error instanceof PolicyInputError) return new BadUserInputError(error.message, `${prefix}${error.field}`);
  return error;
}

/** Runs pure policy code, translating its errors with `policyError`. */
export function withPolicyErrors<T>(prefix: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw policyError(error, prefix);
  }
}
