import type { Decimal } from 'decimal.js';
import type { Alert } from '../policy/monitoring.engine.js';
import type { AlertTarget, IsoDate, RuleSetId } from '../policy/policy.types.js';

/** An alert ready to store: the engine's alert with the person, the month that pushes it and its identity. */
export interface AlertDraft {
  readonly personId: string;
  readonly rule: string;
  readonly ruleSet: RuleSetId;
  readonly citation: string;
  readonly measure: string;
  readonly threshold: Decimal;
  readonly amount: Decimal;
  readonly targets: readonly AlertTarget[];
  readonly year: number;
  /** `YYYY-MM` of the service date: the monthly push (domain.md §5.3) that carries the alert. */
  readonly month: string;
  /**
   * What makes the alert one alert: a per-visit rule fires once per claim, a
   * yearly rule once per person and year. Storing the same key twice is a no-op,
   * which makes a re-run of settlement or of a month's monitoring harmless.
   */
  readonly dedupeKey: string;
}

/** The drafts of the alerts `alerts` raised for a person's visit (or yearly evaluation) on `serviceDate`. */
export function alertDrafts(
  personId: string,
  ruleSet: RuleSetId,
  serviceDate: IsoDate,
  claimId: string | null,
  alerts: readonly Alert[],
): AlertDraft[] {
  const year = Number(serviceDate.slice(0, 4));
  return alerts.map((alert) => ({
    personId,
    rule: alert.ruleId,
    ruleSet,
    citation: alert.citation,
    measure: alert.measure,
    threshold: alert.threshold,
    amount: alert.amount,
    targets: alert.targets,
    year,
    month: serviceDate.slice(0, 7),
    dedupeKey:
      alert.measure === 'YEAR_OUT_OF_POCKET' || claimId === null ? `${alert.ruleId}:${personId}:${year}` : `${alert.ruleId}:${claimId}`,
  }));
}
