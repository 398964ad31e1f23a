import type { Applications, IsoDate } from '../policy/policy.types.js';

/**
 * Where settlement learns which applications (依申请, domain.md §3) are approved for a person on a service date,
 * for the categories a rule set does not assist directly. The agencies' application store (submitApplication,
 * decideApplication) implements it; the engine only takes its answer and explains a refusal.
 */
export interface ApplicationSource {
  /** The approved applications covering `date`, by category; or why none are tracked. */
  forSettlement(personId: string, date: IsoDate): Promise<Applications>;
}

/**
 * The source while the hub stores no applications: every certification stands for its application, and the
 * explanation of each category assisted on application says so. Replace it with the application store.
 */
export const NO_APPLICATION_STORE: ApplicationSource = {
  forSettlement: () => Promise.resolve({ tracked: false, reason: 'this hub stores no applications yet' }),
};
