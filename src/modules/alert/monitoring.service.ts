import { formatDate, parseDate } from '../../shared/dates.js';
import { ZERO } from '../../shared/money.js';
import { log } from '../../shared/log.js';
import { alertsForVisit, alertsForYear } from '../policy/monitoring.engine.js';
import { PolicyInputError } from '../policy/policy.errors.js';
import type { IsoDate } from '../policy/policy.types.js';
import { configInForce } from '../policy/region-config.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { resolveRuleSet, type ResolvedRuleSet } from '../policy/rule-set.resolve.js';
import { activeCategoriesOn, visitOf } from '../policy/settlement.engine.js';
import { versionOf } from '../region-config/region-config.service.js';
import type { ResidualRepository } from '../residual/residual.repository.js';
import { firstHouseholdCrossing, firstPersonCrossing, residualRuleSets, type ReplayedCrossing } from '../policy/residual.engine.js';
import { minMoney, Money } from '../../shared/money.js';
import { keysetChunks } from '../../shared/pagination.js';
import { alertDrafts, residualAlertDraft } from './alert.draft.js';
import type { AlertStore, NewAlert } from './alert.store.js';
import type { MonitoredRecord, MonitoredStatus, MonitoringRepository } from './monitoring.repository.js';
import type { MonitoringRun } from './alert.type.js';

const BATCH = 2_000;
// The 动态清零 candidates' year is read this many persons at a time: three statements per batch.
const RESIDUAL_BATCH = 500;
const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

function lastDayOf(month: string): IsoDate {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return formatDate(new Date(Date.UTC(year, m, 0)));
}

/**
 * The monthly monitoring run (domain.md §5.3): for the persons with records
 * in the month's year, it evaluates the per-visit rules on the month's settled
 * visits (not reversed) and the yearly rules on the year's out-of-pocket total
 * at the month's end. An alert already raised (by settlement or an earlier
 * run) has the same dedupe key and is not raised again, so a month can be run
 * any number of times.
 *
 * It also raises jiaxing's 动态清零 crossings (domain.md §6) that no settlement raised: records stored apart from
 * settlement (an import), or a certification dated back that makes earlier visits count. The year up to the month's
 * end is replayed in service-date order; the first visit that carried a person's or a household's residual over its
 * cap raises the alert a settlement would have raised, under the same dedupe key (rule, person or household, year),
 * so that it is raised once whichever path sees it first.
 */
export class MonitoringService {
  constructor(
    private readonly repository: MonitoringRepository,
    private readonly alerts: AlertStore,
    private readonly residuals: ResidualRepository | null = null,
  ) {}

  /** Runs `month` over the persons of `regionPrefix`; `alerted` are the persons who got a new alert (for the audit log). */
  async run(
    month: string,
    regionPrefix = '',
    onProgress: (persons: number) => void = () => {},
  ): Promise<MonitoringRun & { alerted: string[] }> {
    const year = Number(month.slice(0, 4));
    const monthEnd = lastDayOf(month);
    const through = parseDate(monthEnd)!;
    const versions = (await this.repository.configVersions(year)).map(versionOf);
    const ruleSets = new Map<string, ResolvedRuleSet>();
    const ruleSetFor = (regionCode: string, date: IsoDate) => {
      const version = configInForce(versions, regionCode, date);
      const id = governingRuleSet(regionCode, date);
      const key = `${id}|${version?.id ?? ''}`;
      let resolved = ruleSets.get(key);
      if (!resolved) ruleSets.set(key, (resolved = resolveRuleSet(id, version?.config ?? {})));
      return resolved;
    };
    const report: MonitoringRun = { month, persons: 0, visits: 0, raised: 0 };
    const alerted = new Set<string>();
    for (let after = FIRST_UUID; ;) {
      const ids = await this.repository.personIds(year, through, regionPrefix, after, BATCH);
      if (ids.length === 0) break;
      after = ids.at(-1)!;
      const [persons, statuses, records] = await Promise.all([
        this.repository.persons(ids),
        this.repository.statuses(ids),
        this.repository.records(ids, year, through),
      ]);
      const statusesOf = group(statuses, (s) => s.personId);
      const recordsOf = group(records, (r) => r.personId);
      const raised: NewAlert[] = [];
      for (const person of persons) {
        const personStatuses = statusesOf.get(person.id) ?? [];
        const personRecords = recordsOf.get(person.id) ?? [];
        try {
          report.visits += this.evaluate(person, personStatuses, personRecords, month, monthEnd, ruleSetFor, raised);
        } catch (error) {
          // A record the rules cannot judge (a service date before any rule set) must not stop the run for everyone else.
          if (!(error instanceof PolicyInputError)) throw error;
          log.warn(`monitoring ${month}: person ${person.id} skipped: ${error.message}`);
        }
      }
      const stored = await this.alerts.store(raised);
      report.raised += stored.length;
      for (const { personId } of stored) alerted.add(personId);
      report.persons += persons.length;
      onProgress(report.persons);
    }
    const crossings = await this.residualCrossings(year, monthEnd, regionPrefix);
    for (let start = 0; start < crossings.length; start += BATCH) {
      const stored = await this.alerts.store(crossings.slice(start, start + BATCH));
      report.raised += stored.length;
      for (const { personId } of stored) alerted.add(personId);
    }
    return { ...report, alerted: [...alerted] };
  }

  /**
   * The 动态清零 crossings of the persons and households of `regionPrefix` in `year` up to `monthEnd`, as alerts of
   * the month. SQL narrows to those whose settled out-of-pocket under a rule set with 动态清零 exceeds the lowest cap
   * (none else can be over it); the engine replays each one's year.
   */
  private async residualCrossings(year: number, monthEnd: IsoDate, regionPrefix: string): Promise<NewAlert[]> {
    const rules = residualRuleSets();
    if (!this.residuals || rules.length === 0) return [];
    const ruleSets = rules.map(({ id }) => id);
    const lowest = (cap: (rule: (typeof rules)[number]['rule']) => string) =>
      rules.map(({ rule }) => new Money(cap(rule))).reduce((a, b) => minMoney(a, b));
    const scope = { regionCode: { startsWith: regionPrefix } };
    const raised: NewAlert[] = [];
    const draft = (found: ReplayedCrossing, subject: string): NewAlert => ({
      ...residualAlertDraft(found.personId, monthEnd, found.crossing, subject),
      benefitId: null,
    });
    const persons = (after: string | null, take: number) =>
      this.residuals!.candidatesOver(
        year,
        ruleSets,
        lowest((rule) => rule.personCap),
        scope,
        after,
        take,
      );
    for await (const batch of keysetChunks(persons, (id) => id, null, RESIDUAL_BATCH)) {
      for (const member of await this.residuals.membersOf(batch, year)) {
        const found = firstPersonCrossing(member, year, monthEnd);
        if (found) raised.push(draft(found, member.personId));
      }
    }
    const households = (after: string | null, take: number) =>
      this.residuals!.householdCandidatesOver(
        year,
        ruleSets,
        lowest((rule) => rule.householdCap),
        scope,
        regionPrefix,
        after,
        take,
      );
    for await (const batch of keysetChunks(households, (household) => household.householdId, null, RESIDUAL_BATCH)) {
      const members = await this.residuals.membersOf(
        batch.flatMap((household) => household.memberIds),
        year,
      );
      for (const household of batch) {
        const found = firstHouseholdCrossing(
          members.filter((member) => household.memberIds.includes(member.personId)),
          year,
          monthEnd,
        );
        if (found) raised.push(draft(found, household.householdId));
      }
    }
    return raised;
  }

  /** Adds the alerts of one person to `raised`; returns how many visits of the month it judged. */
  private evaluate(
    person: { id: string; regionCode: string; residence: 'RURAL' | 'URBAN' },
    statuses: MonitoredStatus[],
    records: MonitoredRecord[],
    month: string,
    monthEnd: IsoDate,
    ruleSetFor: (regionCode: string, date: IsoDate) => ResolvedRuleSet,
    raised: NewAlert[],
  ): number {
    const reversed = new Set(records.flatMap((r) => (r.kind === 'REVERSAL' && r.reversesId ? [r.reversesId] : [])));
    let visits = 0;
    for (const record of records) {
      const serviceDate = formatDate(record.serviceDate);
      if (record.kind !== 'SETTLEMENT' || reversed.has(record.id) || !serviceDate.startsWith(month)) continue;
      visits += 1;
      const ruleSet = ruleSetFor(person.regionCode, serviceDate);
      const categories = activeCategoriesOn(statuses, serviceDate, ruleSet);
      const alerts = alertsForVisit(ruleSet, { residence: person.residence, categories }, visitOf(record), record);
      raised.push(
        ...alertDrafts(person.id, ruleSet.id, serviceDate, { jurisdiction: record.claimJurisdiction, id: record.claimId }, alerts).map(
          (d) => ({ ...d, benefitId: record.id }),
        ),
      );
    }
    const total = records.reduce((sum, r) => sum.plus(r.outOfPocket), ZERO);
    const ruleSet = ruleSetFor(person.regionCode, monthEnd);
    const categories = activeCategoriesOn(statuses, monthEnd, ruleSet);
    const yearly = alertsForYear(ruleSet, { categories }, ZERO, total);
    raised.push(...alertDrafts(person.id, ruleSet.id, monthEnd, null, yearly).map((d) => ({ ...d, benefitId: null })));
    return visits;
  }
}

function group<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
