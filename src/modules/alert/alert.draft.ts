import type { Decimal } from 'decimal.js';
import type { Alert } from '../policy/monitoring.engine.js';
import type { ResidualCrossing } from '../policy/residual.engine.js';
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
   * What makes the alert one alert: a per-visit rule fires once per claim (a
   * claim id within its jurisdiction: the same id settled elsewhere is another
   * claim), a yearly rule once per person and year. Storing the same key twice
   * is a no-op, which makes a re-run of settlement or of a month's monitoring harmless.
   */
  readonly dedupeKey: string;
}

/** A settled claim as alerts name it: its id within the jurisdiction that settled it (its namespace). */
export interface ClaimKey {
  readonly jurisdiction: string;
  readonly id: string;
}

/** The drafts of the alerts `alerts` raised for a person's visit (`claim`) or yearly evaluation (null) on `serviceDate`. */
export function alertDrafts(
  personId: string,
  ruleSet: RuleSetId,
  serviceDate: IsoDate,
  claim: ClaimKey | null,
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
      alert.measure === 'YEAR_OUT_OF_POCKET' || claim === null
        ? `${alert.ruleId}:${personId}:${year}`
        : `${alert.ruleId}:${claim.jurisdiction}:${claim.id}`,
  }));
}

/**
 * The draft of the alert raised when a settlement on `serviceDate` of `personId` carries a 动态清零 residual over a
 * cap: once per `subject` (the person, or for the household cap the household's id) and year, whatever crosses
 * again later that year (a partner's payment may bring the residual back under the cap); the next year can raise it
 * again.
 */
export function residualAlertDraft(personId: string, serviceDate: IsoDate, crossing: ResidualCrossing, subject = personId): AlertDraft {
  const year = Number(serviceDate.slice(0, 4));
  return {
    personId,
    rule: crossing.ruleId,
    ruleSet: crossing.ruleSet,
    citation: crossing.citation,
    measure: crossing.measure,
    threshold: crossing.threshold,
    amount: crossing.amount,
    targets: crossing.targets,
    year,
    month: serviceDate.slice(0, 7),
    dedupeKey: `${crossing.ruleId}:${subject}:${year}`,
  };
}
