import DataLoader from 'dataloader';
import { manyByKey, oneByKey } from '../shared/loader.js';
import { AGENCY_PURPOSES, ROW_SCOPE } from '../auth/access-policy.js';
import { limitsOf, type ClientLimits } from '../auth/limits-policy.js';
import { bothQuotas, type GuessSuspects, type IdLookupQuota } from '../auth/lookup-quota.js';
import { TrustedDocumentRepository } from '../auth/trusted-document.repository.js';
import type { Principal } from '../auth/principal.js';
import type { Purpose } from '../generated/prisma/enums.js';
import type { AuditKeyRing } from '../modules/audit/audit.keys.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { AuditQueryService } from '../modules/audit/audit.service.js';
import { AuditWriter } from '../modules/audit/audit.writer.js';
import { alertScope, personScope } from '../auth/row-scope.js';
import { createAlertLoaders } from '../modules/alert/alert.loader.js';
import { AlertRepository } from '../modules/alert/alert.repository.js';
import { AlertService } from '../modules/alert/alert.service.js';
import { requireMonth } from '../shared/validate.js';
import { AlertStore } from '../modules/alert/alert.store.js';
import { WebhookRepository } from '../modules/webhook/webhook.repository.js';
import { WebhookService } from '../modules/webhook/webhook.service.js';
import { WebhookTargets } from '../modules/webhook/webhook.target.js';
import type { JobQueue } from './job-queue.js';
import type { MonitoringRun } from '../modules/alert/alert.type.js';
import { MonitoringRepository } from '../modules/alert/monitoring.repository.js';
import { MonitoringService } from '../modules/alert/monitoring.service.js';
import { today } from '../shared/dates.js';
import type { Prisma } from '../generated/prisma/client.js';
import { createBenefitLoaders } from '../modules/benefit/benefit.loader.js';
import { BenefitRepository } from '../modules/benefit/benefit.repository.js';
import { createEnrollmentLoaders } from '../modules/enrollment/enrollment.loader.js';
import { EnrollmentRepository } from '../modules/enrollment/enrollment.repository.js';
import { createHouseholdLoaders } from '../modules/household/household.loader.js';
import { HouseholdRepository } from '../modules/household/household.repository.js';
import { createPersonLoaders } from '../modules/person/person.loader.js';
import { PersonRepository } from '../modules/person/person.repository.js';
import { PersonService } from '../modules/person/person.service.js';
import { PersonPlanner } from '../modules/person/person.plan.js';
import { PersonRegistrationService } from '../modules/person/person-registration.service.js';
import { CertificationService } from '../modules/status/certification.service.js';
import { CertificationCheckService } from '../modules/status/certification-check.service.js';
import { PartnerPaymentRepository } from '../modules/partner/partner-payment.repository.js';
import { PartnerPaymentService } from '../modules/partner/partner-payment.service.js';
import { createPaymentLoaders } from '../modules/partner/partner-payment.loader.js';
import { OWN_PAYMENTS_ONLY } from '../auth/access-policy.js';
import { ApplicationRepository } from '../modules/application/application.repository.js';
import { ApplicationService } from '../modules/application/application.service.js';
import { StoredApplications } from '../modules/application/application.source.js';
import { EventStore } from '../modules/event/event.store.js';
import { EventRepository } from '../modules/event/event.repository.js';
import { EnrollmentService } from '../modules/enrollment/enrollment.service.js';
import { SubsidyDecisionRepository } from '../modules/enrollment/subsidy-decision.repository.js';
import { RegionConfigRepository } from '../modules/region-config/region-config.repository.js';
import { RegionConfigService } from '../modules/region-config/region-config.service.js';
import { SettlementRepository } from '../modules/settlement/settlement.repository.js';
import { SettlementService } from '../modules/settlement/settlement.service.js';
import { SharingRepository } from '../modules/sharing/sharing.repository.js';
import { SharingService } from '../modules/sharing/sharing.service.js';
import { createStatusLoaders } from '../modules/status/household-status.loader.js';
import { HouseholdStatusRepository } from '../modules/status/household-status.repository.js';
import { FundInflowRepository } from '../modules/finance/fund-inflow.repository.js';
import { FundInflowService } from '../modules/finance/fund-inflow.service.js';
import { StatisticsRepository } from '../modules/statistics/statistics.repository.js';
import { StatisticsService } from '../modules/statistics/statistics.service.js';
import { ResidualRepository } from '../modules/residual/residual.repository.js';
import { ResidualService } from '../modules/residual/residual.service.js';
import type { Db } from './prisma.js';
import { ClientRepository } from '../auth/client.repository.js';
import { ImportJobRepository } from '../modules/import/import-job.repository.js';
import { ImportJobService } from '../modules/import/import-job.service.js';
import { ImportService } from '../modules/import/import.service.js';

/**
 * The repositories, one set per process: they hold no request state.
 * `auditKeys` hash the audit chain; `queue` is the outbox of every alert
 * stored; `webhookTargets` decides where webhooks may point (public addresses
 * only, unless the operator allows private ones).
 */
export function createRepositories(db: Db, auditKeys: AuditKeyRing, queue: JobQueue | null = null, webhookTargets = new WebhookTargets()) {
  const repositories = {
    persons: new PersonRepository(db),
    households: new HouseholdRepository(db),
    statuses: new HouseholdStatusRepository(db),
    enrollments: new EnrollmentRepository(db),
    subsidyDecisions: new SubsidyDecisionRepository(db),
    benefits: new BenefitRepository(db),
    audit: new AuditRepository(db, auditKeys),
    sharing: new SharingRepository(db),
    regionConfigs: new RegionConfigRepository(db),
    settlements: new SettlementRepository(db),
    alerts: new AlertRepository(db),
    alertStore: new AlertStore(db, queue),
    queue,
    monitoring: new MonitoringRepository(db),
    webhooks: new WebhookRepository(db),
    events: new EventRepository(db),
    partnerPayments: new PartnerPaymentRepository(db),
    applications: new ApplicationRepository(db),
    /** The event hook point of the exchange's writes (issue #11); the pushes plug in here. */
    /** The exchange's writes record their events here: row, outbox job and NOTIFY in the write's transaction. */
    exchangeEvents: new EventStore(queue).exchangeEvents(),
    statistics: new StatisticsRepository(db),
    residuals: new ResidualRepository(db),
    webhookTargets,
    fundInflows: new FundInflowRepository(db),
    documents: new TrustedDocumentRepository(db),
  };
  return {
    ...repositories,
    /** Imports sent over HTTP, run by the dispatcher's job. */
    importJobs: new ImportJobService(
      new ImportJobRepository(db),
      new ImportService(db, repositories.audit, repositories.exchangeEvents),
      new ClientRepository(db),
    ),
  };
}

/** The process-wide repositories. */
export type Repositories = ReturnType<typeof createRepositories>;

/** Fresh loaders for one request: batching and caching never cross requests (or principals). */
export function createLoaders(
  repositories: Repositories,
  scope: Prisma.PersonWhereInput,
  alerts: Prisma.AlertWhereInput,
  ownPaymentsOf: string | null = null,
) {
  return {
    ...createPaymentLoaders(repositories.partnerPayments, ownPaymentsOf),
    applicationsByPerson: new DataLoader(async (ids: readonly string[]) =>
      manyByKey(ids, await repositories.applications.findByPersonIds(ids), (a) => a.personId),
    ),
    ...createAlertLoaders(repositories.alerts, alerts),
    ...createPersonLoaders(repositories.persons, scope),
    ...createHouseholdLoaders(repositories.households, scope),
    ...createStatusLoaders(repositories.statuses),
    ...createEnrollmentLoaders(repositories.enrollments, repositories.subsidyDecisions),
    ...createBenefitLoaders(repositories.benefits),
    // By id within the row scope: what a subgraph resolves a federated reference with (`_entities`, batched per request).
    statusById: new DataLoader(async (ids: readonly string[]) =>
      oneByKey(ids, await repositories.statuses.findByIds(ids, scope), (s) => s.id),
    ),
    enrollmentById: new DataLoader(async (ids: readonly string[]) =>
      oneByKey(ids, await repositories.enrollments.findByIds(ids, scope), (e) => e.id),
    ),
    benefitById: new DataLoader(async (ids: readonly string[]) =>
      oneByKey(ids, await repositories.benefits.findByIds(ids, scope), (b) => b.id),
    ),
  };
}

/** The per-request loaders. */
export type Loaders = ReturnType<typeof createLoaders>;

/** One context per request: the principal, its declared purpose, its loaders and the services bound to them. */
export interface HubContext {
  principal: Principal;
  /** The X-Purpose header as sent; checked against the principal before any personal data is read. */
  purpose: string | undefined;
  loaders: Loaders;
  persons: PersonService;
  /** Registration writes (medical insurance). */
  registration: PersonRegistrationService;
  /** Certification writes (civil affairs, rural revitalization). */
  certifications: CertificationService;
  /** The certification check by ID number. */
  certificationChecks: CertificationCheckService;
  /** Charity aid and commercial claims (partners). */
  partnerPayments: PartnerPaymentService;
  /** Applications for assistance (依申请). */
  applications: ApplicationService;
  /** Collects what this operation reads or writes; one audit entry per operation. */
  auditWriter: AuditWriter;
  /** The audit log as AUDITOR clients query it. */
  audit: AuditQueryService;
  sharing: SharingService;
  regionConfigs: RegionConfigService;
  settlements: SettlementService;
  enrollments: EnrollmentService;
  alerts: AlertService;
  webhooks: WebhookService;
  /** Counts and sums with disclosure control (casework, FINANCE, ANALYST). */
  statistics: StatisticsService;
  /** The fund's inflows, recorded by FINANCE. */
  fundInflows: FundInflowService;
  /** Jiaxing's 动态清零 computed from stored rows (casework). */
  residuals: ResidualService;
  /** The monthly monitoring run over the client's jurisdiction (medical insurance only). */
  monitoring(month: string): Promise<MonitoringRun>;
  /** The client's limits, when the access guard admitted the operation (the answer's size is bounded by them). */
  limits?: ClientLimits;
}

/**
 * Builds the context of one authenticated request; its row scope is fixed for
 * the request. `missedLookups` counts lookups by ID number that find nothing,
 * through every service that finds a person by ID number; `targetedGuesses`
 * (given the persons of the row scope a number could be) holds such lookups
 * to the budget of targeted guesses per person; `limits` are the client's
 * (its agency's when not given).
 */
export function createContext(
  principal: Principal,
  purpose: string | undefined,
  repositories: Repositories,
  options: {
    missedLookups?: IdLookupQuota | undefined;
    targetedGuesses?: ((suspects: GuessSuspects) => IdLookupQuota) | undefined;
    limits?: ClientLimits;
  } = {},
): HubContext {
  const scope = personScope(principal, today());
  const alerts = alertScope(principal, scope);
  const loaders = createLoaders(repositories, scope, alerts, OWN_PAYMENTS_ONLY.includes(principal.agency) ? principal.clientId : null);
  const declared = (AGENCY_PURPOSES[principal.agency] as readonly string[]).includes(purpose ?? '') ? (purpose as Purpose) : null;
  const auditWriter = new AuditWriter(repositories.audit, {
    clientId: principal.clientId,
    agency: principal.agency,
    jurisdiction: principal.jurisdiction,
    jti: principal.jti,
    purpose: declared,
    operationName: null,
    documentHash: null,
  });
  const regionConfigs = new RegionConfigService(repositories.regionConfigs, principal, auditWriter);
  const { persons, statuses } = repositories;
  // The budget per person first: a spent budget refuses a lookup before the daily quota counts it.
  const suspects: GuessSuspects = (idNumber) => persons.suspectsOf(idNumber, scope);
  const missedLookups = bothQuotas(options.targetedGuesses?.(suspects) ?? null, options.missedLookups ?? null);
  const limits = options.limits ?? limitsOf(principal.agency);
  return {
    principal,
    purpose,
    loaders,
    persons: new PersonService(
      persons,
      loaders,
      scope,
      missedLookups,
      new PersonPlanner(principal, (text, values) => persons.planned(text, values)),
    ),
    registration: new PersonRegistrationService(persons, scope, auditWriter, principal),
    certificationChecks: new CertificationCheckService(statuses, auditWriter, missedLookups),
    applications: new ApplicationService(repositories.applications, persons, scope, auditWriter, principal, repositories.exchangeEvents),
    partnerPayments: new PartnerPaymentService(repositories.partnerPayments, persons, scope, auditWriter, principal, missedLookups),
    certifications: new CertificationService(statuses, persons, scope, auditWriter, principal, repositories.exchangeEvents, missedLookups),
    auditWriter,
    audit: new AuditQueryService(repositories.audit, principal.jurisdiction),
    sharing: new SharingService(repositories.sharing, scope, auditWriter, principal.clientId),
    regionConfigs,
    settlements: new SettlementService(
      repositories.settlements,
      repositories.alertStore,
      persons,
      statuses,
      regionConfigs,
      scope,
      auditWriter,
      principal,
      new StoredApplications(repositories.applications),
      repositories.residuals,
    ),
    enrollments: new EnrollmentService(repositories.enrollments, persons, statuses, regionConfigs, scope, auditWriter),
    alerts: new AlertService(repositories.alerts, alerts, principal, auditWriter),
    statistics: new StatisticsService(repositories.statistics, principal, auditWriter),
    webhooks: new WebhookService(
      repositories.webhooks,
      repositories.queue,
      principal,
      auditWriter,
      repositories.webhookTargets,
      limits.webhooksPerClient,
    ),
    fundInflows: new FundInflowService(repositories.fundInflows, principal, auditWriter),
    // The jurisdiction row scopes lie within the jurisdiction's prefix, which narrows the over-cap lists in SQL.
    residuals: new ResidualService(
      repositories.residuals,
      scope,
      auditWriter,
      ROW_SCOPE[principal.agency].startsWith('JURISDICTION') ? principal.jurisdiction : '',
    ),
    async monitoring(month) {
      const run = await new MonitoringService(repositories.monitoring, repositories.alertStore, repositories.residuals).run(
        requireMonth(month, 'month'),
        principal.jurisdiction,
      );
      // The run reads the jurisdiction's records in bulk; the entry names the persons it raised alerts about.
      auditWriter.record({ personIds: run.alerted });
      return run;
    },
  };
}
