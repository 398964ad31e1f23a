import { createHash } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client.js';
import { formatDate } from '../../shared/dates.js';
import { log } from '../../shared/log.js';
import { formatMoney, ZERO } from '../../shared/money.js';
import type { PersonRepository } from '../person/person.repository.js';
import { addMonths } from '../policy/policy.dates.js';
import { ParameterNotSetError, PolicyInputError } from '../policy/policy.errors.js';
import type { ExplanationStep } from '../policy/policy.types.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { resolveRuleSet } from '../policy/rule-set.resolve.js';
import { activeCategoriesOn, settle, visitOf } from '../policy/settlement.engine.js';
import type { RegionConfigRepository } from '../region-config/region-config.repository.js';
import { regionConfigInForce } from '../region-config/region-config.service.js';
import type { HouseholdStatusRepository } from '../status/household-status.repository.js';
import type { ApplicationSource } from './application.source.js';
import type { SettlementRepository } from './settlement.repository.js';

/** What the service needs of the settlement repository (a test wraps it to cut a run short). */
export type SupplementStore = Pick<
  SettlementRepository,
  'settledVisitsSince' | 'yearToDateWithout' | 'supplementsOf' | 'insertSupplement' | 'lockPersonYear' | 'transaction'
>;

// No rule set's retroactive window reaches further back (jiaxing-2023: 6 months); the engine decides which visits it covers.
const LONGEST_WINDOW_MONTHS = 12;

/** A supplement's claim id: derived from the visit and the certification, so that it names one pair only. */
function supplementClaimId(visitId: string, statusId: string): string {
  return `S-${createHash('sha256').update(`${visitId}:${statusId}`).digest('hex').slice(0, 32)}`;
}

/**
 * Supplementary assistance (补充救助, issue #11): a certification dated back
 * before visits already settled — a retroactive one (jiaxing-2023 二(二)7,
 * domain.md §5.1) or one recorded after its valid-from date — may make them
 * worth more. Each such visit is settled again under today's certifications;
 * when the certification's category now wins and pays more than the visit
 * got, the difference is paid as a SUPPLEMENT record of its own that cites
 * the visit and the certification. One per (visit, certification version),
 * each in its own transaction under the person-year lock: a second run, or a
 * run after a crash half-way, pays only what is not paid yet.
 */
export class SupplementService {
  constructor(
    private readonly store: SupplementStore,
    private readonly statuses: HouseholdStatusRepository,
    private readonly persons: PersonRepository,
    private readonly regionConfigs: RegionConfigRepository,
    private readonly applications: ApplicationSource,
  ) {}

  /** Pays what the certification version `statusId` adds to settled visits; returns the supplements this run stored. */
  async supplement(statusId: string): Promise<{ id: string }[]> {
    const status = await this.statuses.findCurrent(statusId);
    if (!status || status.revokedAt) return [];
    const [person] = await this.persons.findByIds([status.personId]);
    if (!person) return [];
    const validFrom = formatDate(status.validFrom);
    const from = status.retroactive ? addMonths(validFrom, -LONGEST_WINDOW_MONTHS) : validFrom;
    const visits = await this.store.settledVisitsSince(person.id, new Date(`${from}T00:00:00Z`));
    const stored: { id: string }[] = [];
    for (const visit of visits) {
      const supplement = await this.supplementVisit(person, status, visit);
      if (supplement) stored.push(supplement);
    }
    return stored;
  }

  private async supplementVisit(
    person: { id: string; regionCode: string; birthDate: Date },
    status: { id: string; category: string; documentNo: string | null },
    visit: Awaited<ReturnType<SupplementStore['settledVisitsSince']>>[number],
  ): Promise<{ id: string } | null> {
    const serviceDate = formatDate(visit.serviceDate);
    // Read before the transaction, as the settlement does: inside it a second connection could wait on a busy pool.
    const version = await regionConfigInForce(this.regionConfigs, person.regionCode, serviceDate);
    const applications = await this.applications.forSettlement(person.id, serviceDate);
    const statuses = await this.statuses.findCurrentByPersonIds([person.id]);
    return this.store.transaction(async (tx: Prisma.TransactionClient) => {
      await this.store.lockPersonYear(tx, person.id, visit.year);
      const earlier = await this.store.supplementsOf(tx, visit.id);
      if (earlier.some((s) => s.certificationId === status.id)) return null;
      const ytd = await this.store.yearToDateWithout(tx, person.id, visit.year, visit.id);
      let result: ReturnType<typeof settle>;
      try {
        const ruleSet = resolveRuleSet(governingRuleSet(person.regionCode, serviceDate), version?.config ?? {});
        const categories = activeCategoriesOn(statuses, serviceDate, ruleSet);
        result = settle({
          ruleSet,
          serviceDate,
          birthDate: formatDate(person.birthDate),
          categories,
          applications,
          ytd,
          visit: visitOf(visit),
        });
      } catch (error) {
        // The visit cannot be priced now (a parameter no longer configured): nothing is paid, the run goes on.
        if (error instanceof ParameterNotSetError || error instanceof PolicyInputError) {
          log.warn(`no supplementary assistance for visit ${visit.id}: ${error.message}`);
          return null;
        }
        throw error;
      }
      // Only what this certification brings: a visit worth more for another reason is not this certification's to pay.
      if (result.category !== status.category) return null;
      const paid = earlier.reduce((sum, s) => sum.plus(s.assistancePaid), visit.assistancePaid);
      const difference = result.assistance.minus(paid);
      if (!difference.greaterThan(ZERO)) return null;
      const explanation: ExplanationStep[] = [
        ...result.explanation,
        {
          step: 'supplement',
          amount: formatMoney(difference),
          detail: `settled again with certification ${status.id}${status.documentNo ? ` (${status.documentNo})` : ''}: ${formatMoney(result.assistance)}, of which claim ${visit.claimId} already received ${formatMoney(paid)}`,
          citation: 'domain.md §5.1 (jiaxing-2023 二(二)7: retroactive assistance); paid once, as a record of its own',
        },
      ];
      const thresholdDelta = result.thresholdApplied.minus(
        earlier.reduce((sum, s) => sum.plus(s.thresholdApplied), visit.thresholdApplied),
      );
      return this.store.insertSupplement(tx, {
        claimId: supplementClaimId(visit.id, status.id),
        claimJurisdiction: visit.claimJurisdiction,
        personId: person.id,
        serviceDate: visit.serviceDate,
        year: visit.year,
        visitType: visit.visitType,
        referral: visit.referral,
        inProvince: visit.inProvince,
        diagnosis: visit.diagnosis,
        // The visit's costs stay with the visit: a supplement is a payment, not a second visit.
        totalCost: ZERO.toFixed(2),
        inPolicyCost: ZERO.toFixed(2),
        basicPaid: ZERO.toFixed(2),
        criticalPaid: ZERO.toFixed(2),
        otherPaid: ZERO.toFixed(2),
        assistancePaid: difference.toFixed(2),
        tiltPaid: ZERO.toFixed(2),
        outOfPocket: difference.negated().toFixed(2),
        thresholdApplied: thresholdDelta.toFixed(2),
        // Unreferred visits carry no tilt base (domain.md §5.2 step 1); otherwise what assistance now covers leaves it.
        tiltBase: visit.referral === 'UNREFERRED' ? ZERO.toFixed(2) : difference.negated().toFixed(2),
        providerBorne: ZERO.toFixed(2),
        ruleSet: result.ruleSet,
        ruleSetVersion: result.ruleSetVersion,
        category: result.category,
        class: result.class,
        regionConfigId: version?.id ?? null,
        explanation: explanation as unknown as Prisma.InputJsonArray,
        supplementsId: visit.id,
        certificationId: status.id,
        reason: `supplementary assistance for claim ${visit.claimId}`.slice(0, 200),
      });
    });
  }
}
