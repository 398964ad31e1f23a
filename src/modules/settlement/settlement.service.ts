import { createHash } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { isUniqueViolation } from '../../server/prisma.js';
import { formatDate, parseDate } from '../../shared/dates.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors.js';
import { ZERO } from '../../shared/money.js';
import { requireUuid } from '../../shared/validate.js';
import { alertDrafts, residualAlertDraft, type AlertDraft } from '../alert/alert.draft.js';
import type { AlertStore } from '../alert/alert.store.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { BenefitRow } from '../benefit/benefit.repository.js';
import type { PersonRepository } from '../person/person.repository.js';
import { alertsForSettlement, type Alert } from '../policy/monitoring.engine.js';
import { householdCrossing, householdResidual, personResidual, residualCrossing } from '../policy/residual.engine.js';
import type { ResidualRepository } from '../residual/residual.repository.js';
import type { Applications } from '../policy/policy.types.js';
import type { RegionConfigVersion } from '../policy/region-config.js';
import { governingRuleSet, isRuleSetId, RULE_SETS } from '../policy/rule-set.data.js';
import { resolveRuleSet, type ResolvedRuleSet } from '../policy/rule-set.resolve.js';
import { activeCategoriesOn, settle, visitOf, type SettlementResult } from '../policy/settlement.engine.js';
import type { RegionConfigService } from '../region-config/region-config.service.js';
import type { HouseholdStatusRepository } from '../status/household-status.repository.js';
import { NO_APPLICATION_STORE, type ApplicationSource } from './application.source.js';
import { visitArgument, withPolicyErrors } from './settlement.errors.js';
import type { ClaimInput, VisitInput } from './settlement.input.js';
import type { SettlementRepository, StoredClaim } from './settlement.repository.js';
import type { SettlementQuote } from './settlement.type.js';

const CLAIM_ID = /^[A-Za-z0-9._:-]{1,64}$/;
// Twenty claims of one person queue on its lock; each waits its turn rather than failing at Prisma's 2 s / 5 s defaults.
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

function requireClaimId(claimId: string, argument: string): void {
  if (!CLAIM_ID.test(claimId)) throw new BadUserInputError('claimId must be 1–64 of A–Z a–z 0–9 . _ : -', argument);
}

/**
 * An ICD-10 code by its shape: a chapter letter, two characters of category
 * (ICD-10-CM's C4A, say), then optionally a dot and up to four characters of
 * subcategory, and the national clinical edition's extension (I63.900x001).
 * U stays allowed: WHO gives it to provisional codes (U07.1, COVID-19).
 * Whether the code exists is the provider's system's business; its shape is ours.
 */
const ICD10 = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4}(x[0-9]{3})?)?$/;

/** The shapes and lengths the record keeps: other input is refused by name, not by a failed insert. */
function checkVisit(input: VisitInput): void {
  if (!ICD10.test(input.diagnosis)) {
    throw new BadUserInputError('diagnosis must be an ICD-10 code such as Q21.1 or I63.900x001', 'input.diagnosis');
  }
  if ((input.providerCode?.length ?? 0) > 32) throw new BadUserInputError('providerCode has at most 32 characters', 'input.providerCode');
}

/** A visit priced by the engine, with what storing it needs. */
interface Priced {
  person: { id: string; regionCode: string };
  ruleSet: ResolvedRuleSet;
  regionConfigId: string | null;
  serviceDate: string;
  year: number;
  result: SettlementResult;
  alerts: Alert[];
}

/** The canonical content of a claim: a retry must carry the same, or it is another claim under a reused id. */
function claimHash(input: ClaimInput, personId: string): string {
  const content = [
    personId,
    formatDate(input.serviceDate),
    input.visitType,
    input.referral,
    input.inProvince,
    input.providerCode ?? '',
    input.providerFeeClass ?? '',
    input.diagnosis,
    ...[input.totalCost, input.inPolicyCost, input.basicPaid, input.criticalPaid, input.otherPaid ?? ZERO].map((d) => d.toFixed(2)),
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/**
 * The one-stop settlement in the hub: quotes, exactly-once settlements and
 * reversals. The engine is pure; this service gathers its inputs (the
 * person's statuses, the region's configuration, the year's accumulators from
 * stored records), stores its result with the alerts it raises and the audit
 * entry in one transaction, and serialises the settlements of a person's year.
 */
export class SettlementService {
  constructor(
    private readonly repository: SettlementRepository,
    private readonly alertStore: AlertStore,
    private readonly persons: PersonRepository,
    private readonly statuses: HouseholdStatusRepository,
    private readonly regionConfigs: RegionConfigService,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
    private readonly principal: Principal,
    private readonly applications: ApplicationSource = NO_APPLICATION_STORE,
    /** The 动态清零 records, read in the settlement's transaction to tell whether it crossed the person cap; none: never raised. */
    private readonly residuals: ResidualRepository | null = null,
  ) {}

  /** Computes and explains what settling the visit would pay now; stores nothing. `ruleSet` overrides the governing one (what-if). */
  async quote(input: VisitInput, ruleSetOverride: string | null): Promise<SettlementQuote> {
    if (ruleSetOverride != null && !isRuleSetId(ruleSetOverride)) {
      throw new BadUserInputError(`unknown rule set ${JSON.stringify(ruleSetOverride)}`, 'ruleSet');
    }
    checkVisit(input);
    const person = await this.person(input.personId);
    this.audit.record({ personIds: [person.id] });
    const version = await this.regionConfigs.inForce(person.regionCode, formatDate(input.serviceDate));
    const applications = await this.applications.forSettlement(person.id, formatDate(input.serviceDate));
    const ytd = await this.repository.yearToDate(person.id, input.serviceDate.getUTCFullYear());
    const { ruleSet, result, alerts } = this.price(person, version, applications, input, ytd, ruleSetOverride);
    return {
      ruleSet: ruleSet.id,
      ruleSetVersion: ruleSet.version,
      category: result.category,
      base: result.base,
      thresholdApplied: result.thresholdApplied,
      assistancePaid: result.assistance,
      tiltPaid: result.tilt,
      providerBorne: result.providerBorne,
      outOfPocket: result.outOfPocket,
      explanation: [...result.explanation],
      alerts: alerts.map((alert) => ({ ...alert, rule: alert.ruleId, targets: [...alert.targets] })),
    };
  }

  /**
   * Settles a claim exactly once: the record, its alerts and the audit entry
   * commit together; a retry of the same claim returns the stored record, a
   * reused claim id with other content is a CONFLICT. Claim ids are unique
   * within the settling client's jurisdiction only: the same id settled in
   * another jurisdiction neither conflicts nor shows.
   */
  async settle(input: ClaimInput): Promise<BenefitRow> {
    requireClaimId(input.claimId, 'input.claimId');
    checkVisit(input);
    const person = await this.person(input.personId);
    this.audit.record({ personIds: [person.id] });
    const hash = claimHash(input, person.id);
    const stored = await this.repository.findClaim(this.principal.jurisdiction, input.claimId, 'SETTLEMENT');
    if (stored) return this.replay(stored, hash);
    const year = input.serviceDate.getUTCFullYear();
    // Read before the transaction: inside it, a second connection could wait on a pool held by claims queued on the lock.
    const version = await this.regionConfigs.inForce(person.regionCode, formatDate(input.serviceDate));
    const applications = await this.applications.forSettlement(person.id, formatDate(input.serviceDate));
    try {
      return await this.audit.transaction(async (tx) => {
        await this.repository.lockPersonYear(tx, person.id, year);
        const raced = await this.repository.findClaim(this.principal.jurisdiction, input.claimId, 'SETTLEMENT', tx);
        if (raced) return this.replay(raced, hash);
        const ytd = await this.repository.yearToDate(person.id, year, tx);
        const priced = this.price(person, version, applications, input, ytd, null);
        const record = await this.repository.insert(tx, {
          ...this.visitColumns(priced, input),
          claimId: input.claimId,
          kind: 'SETTLEMENT',
          assistancePaid: priced.result.assistance,
          tiltPaid: priced.result.tilt,
          outOfPocket: priced.result.outOfPocket,
          thresholdApplied: priced.result.thresholdApplied,
          tiltBase: priced.result.ytd.inPolicyOopAfterThreeTiers.minus(ytd.inPolicyOopAfterThreeTiers),
          providerBorne: priced.result.providerBorne,
          explanation: priced.result.explanation,
          inputHash: hash,
          reversesId: null,
          reason: null,
        });
        const drafts = alertDrafts(
          person.id,
          priced.ruleSet.id,
          priced.serviceDate,
          { jurisdiction: this.principal.jurisdiction, id: input.claimId },
          priced.alerts,
        );
        drafts.push(...(await this.residualAlerts(tx, priced, input.claimId)));
        await this.alertStore.insert(
          tx,
          drafts.map((draft) => ({ ...draft, benefitId: record.id })),
        );
        return record;
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      // The same claim id committed in this jurisdiction by another person's transaction between our check and our insert.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.repository.findClaim(this.principal.jurisdiction, input.claimId, 'SETTLEMENT');
      if (!winner) throw error;
      return this.replay(winner, hash);
    }
  }

  /**
   * The alerts of this settlement's carrying the person's residual (动态清零) over the person cap, and the household's
   * over the household cap: the household's year is read in the settlement's transaction (under the person-year
   * lock and the household-year lock, with the new record) and computed with and without the new claim.
   */
  private async residualAlerts(tx: Prisma.TransactionClient, priced: Priced, claimId: string): Promise<AlertDraft[]> {
    if (!this.residuals || !RULE_SETS[priced.ruleSet.id].residual) return [];
    const personId = priced.person.id;
    const { householdId, memberIds } = await this.residuals.householdOf(personId, tx);
    if (householdId) await this.residuals.lockHouseholdYear(tx, householdId, priced.year);
    const after = await this.residuals.membersOf(memberIds, priced.year, tx);
    const before = after.map((member) =>
      member.personId === personId ? { ...member, visits: member.visits.filter((visit) => visit.claimId !== claimId) } : member,
    );
    const mine = (members: typeof after) =>
      personResidual(
        members.find((member) => member.personId === personId)!,
        priced.year,
      );
    const drafts: AlertDraft[] = [];
    const person = residualCrossing(mine(before), mine(after));
    if (person) drafts.push(residualAlertDraft(personId, priced.serviceDate, person));
    const household = householdId && householdCrossing(householdResidual(before, priced.year), householdResidual(after, priced.year));
    if (household) drafts.push(residualAlertDraft(personId, priced.serviceDate, household, householdId!));
    return drafts;
  }

  /**
   * Cancels a settled claim by a reversal record: every amount negated, the
   * original untouched, the accumulators back where they were. Reversing a
   * reversed claim returns the reversal.
   */
  async reverse(claimId: string, reason: string): Promise<BenefitRow> {
    requireClaimId(claimId, 'claimId');
    const trimmed = reason.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw new BadUserInputError('reason must be 1 to 200 characters', 'reason');
    const original = await this.repository.findClaim(this.principal.jurisdiction, claimId, 'SETTLEMENT');
    // A claim of a person outside the client's rows is as unknown as a claim never settled.
    if (!original || !(await this.persons.findByIds([original.personId], this.scope)).length) {
      throw new NotFoundError('no settled claim with this id', 'claimId');
    }
    this.audit.record({ personIds: [original.personId] });
    return this.audit.transaction(async (tx) => {
      await this.repository.lockPersonYear(tx, original.personId, original.year);
      const existing = await this.repository.findClaim(this.principal.jurisdiction, claimId, 'REVERSAL', tx);
      if (existing) return existing;
      const reversal = await this.repository.insert(tx, {
        claimId,
        kind: 'REVERSAL',
        personId: original.personId,
        serviceDate: original.serviceDate,
        year: original.year,
        visitType: original.visitType,
        referral: original.referral,
        inProvince: original.inProvince,
        providerCode: null,
        diagnosis: original.diagnosis,
        totalCost: original.totalCost.negated(),
        inPolicyCost: original.inPolicyCost.negated(),
        basicPaid: original.basicPaid.negated(),
        criticalPaid: original.criticalPaid.negated(),
        otherPaid: original.otherPaid.negated(),
        assistancePaid: original.assistancePaid.negated(),
        tiltPaid: original.tiltPaid.negated(),
        outOfPocket: original.outOfPocket.negated(),
        thresholdApplied: original.thresholdApplied.negated(),
        tiltBase: original.tiltBase.negated(),
        providerBorne: original.providerBorne.negated(),
        ruleSet: original.ruleSet,
        ruleSetVersion: null,
        category: original.category,
        class: null,
        regionConfigId: null,
        explanation: [
          {
            step: 'reversal',
            amount: original.assistancePaid.plus(original.tiltPaid).negated().toFixed(2),
            detail: `reverses the settlement of claim ${claimId}: ${trimmed}`,
            citation: 'a settled record is never edited; a correction is a reversal record',
          },
        ],
        inputHash: null,
        reversesId: original.id,
        reason: trimmed,
        settledByClientId: this.principal.clientId,
        claimJurisdiction: this.principal.jurisdiction,
      });
      // The supplementary assistance paid on the visit goes with it: each supplement gets a reversal of its own.
      for (const supplement of await this.repository.supplementsOf(tx, original.id)) {
        await this.repository.insert(tx, {
          claimId: supplement.claimId,
          kind: 'REVERSAL',
          personId: supplement.personId,
          serviceDate: supplement.serviceDate,
          year: supplement.year,
          visitType: supplement.visitType,
          referral: supplement.referral,
          inProvince: supplement.inProvince,
          providerCode: null,
          diagnosis: supplement.diagnosis,
          totalCost: supplement.totalCost.negated(),
          inPolicyCost: supplement.inPolicyCost.negated(),
          basicPaid: supplement.basicPaid.negated(),
          criticalPaid: supplement.criticalPaid.negated(),
          otherPaid: supplement.otherPaid.negated(),
          assistancePaid: supplement.assistancePaid.negated(),
          tiltPaid: supplement.tiltPaid.negated(),
          outOfPocket: supplement.outOfPocket.negated(),
          thresholdApplied: supplement.thresholdApplied.negated(),
          tiltBase: supplement.tiltBase.negated(),
          providerBorne: supplement.providerBorne.negated(),
          ruleSet: supplement.ruleSet,
          ruleSetVersion: null,
          category: supplement.category,
          class: null,
          regionConfigId: null,
          explanation: [
            {
              step: 'reversal',
              amount: supplement.assistancePaid.negated().toFixed(2),
              detail: `reverses the supplementary assistance to claim ${claimId} with it: ${trimmed}`,
              citation: 'a settled record is never edited; a correction is a reversal record',
            },
          ],
          inputHash: null,
          reversesId: supplement.id,
          // Names the visit, as the supplement does (no visit of its own in the burden); no certification, so no clash with it.
          supplementsId: original.id,
          reason: trimmed,
          settledByClientId: this.principal.clientId,
          claimJurisdiction: supplement.claimJurisdiction,
        });
      }
      return reversal;
    }, TRANSACTION_OPTIONS);
  }

  /** The person within the client's rows with their status history; NOT_FOUND otherwise, as for an unknown id. */
  private async person(id: string) {
    const personId = requireUuid(id, 'input.personId');
    const [person] = await this.persons.findByIds([personId], this.scope);
    if (!person) throw new NotFoundError('no person with this id', 'input.personId');
    const statuses = await this.statuses.findCurrentByPersonIds([person.id]);
    return { ...person, statuses };
  }

  /** Runs the engine: governing rule set and region configuration of the service date, active categories, settlement, alerts. */
  private price(
    person: Awaited<ReturnType<SettlementService['person']>>,
    version: RegionConfigVersion | null,
    applications: Applications,
    input: VisitInput,
    ytd: Priced['result']['ytd'],
    ruleSetOverride: string | null,
  ): Priced {
    const serviceDate = formatDate(input.serviceDate);
    const visit = visitOf(input);
    return withPolicyErrors(visitArgument, () => {
      const id = isRuleSetId(ruleSetOverride) ? ruleSetOverride : governingRuleSet(person.regionCode, serviceDate);
      const ruleSet = resolveRuleSet(id, version?.config ?? {});
      const categories = activeCategoriesOn(person.statuses, serviceDate, ruleSet);
      const birthDate = formatDate(person.birthDate);
      const result = settle({ ruleSet, serviceDate, birthDate, categories, applications, ytd, visit });
      const alerts = alertsForSettlement(ruleSet, { residence: person.residence, categories }, visit, ytd, result);
      return {
        person,
        ruleSet,
        regionConfigId: version?.id ?? null,
        serviceDate,
        year: Number(serviceDate.slice(0, 4)),
        result,
        alerts,
      };
    });
  }

  private visitColumns(priced: Priced, input: ClaimInput) {
    return {
      personId: priced.person.id,
      serviceDate: parseDate(priced.serviceDate)!,
      year: priced.year,
      visitType: input.visitType,
      referral: input.referral,
      inProvince: input.inProvince,
      providerCode: input.providerCode ?? null,
      diagnosis: input.diagnosis,
      totalCost: input.totalCost,
      inPolicyCost: input.inPolicyCost,
      basicPaid: input.basicPaid,
      criticalPaid: input.criticalPaid,
      otherPaid: input.otherPaid ?? ZERO,
      ruleSet: priced.ruleSet.id,
      ruleSetVersion: priced.ruleSet.version,
      category: priced.result.category,
      class: priced.result.class,
      regionConfigId: priced.regionConfigId,
      settledByClientId: this.principal.clientId,
      claimJurisdiction: this.principal.jurisdiction,
    };
  }

  private replay(stored: StoredClaim, hash: string): BenefitRow {
    if (stored.inputHash !== hash) {
      throw new ConflictError(`claim ${stored.claimId} is already settled with other content`, { argument: 'input.claimId' });
    }
    return stored;
  }
}
