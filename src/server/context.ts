import { AGENCY_PURPOSES } from '../auth/access-policy.js';
import type { Principal } from '../auth/principal.js';
import type { Purpose } from '../generated/prisma/enums.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { AuditQueryService } from '../modules/audit/audit.service.js';
import { AuditWriter } from '../modules/audit/audit.writer.js';
import { personScope } from '../auth/row-scope.js';
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
import { EnrollmentService } from '../modules/enrollment/enrollment.service.js';
import { RegionConfigRepository } from '../modules/region-config/region-config.repository.js';
import { RegionConfigService } from '../modules/region-config/region-config.service.js';
import { SettlementRepository } from '../modules/settlement/settlement.repository.js';
import { SettlementService } from '../modules/settlement/settlement.service.js';
import { SharingRepository } from '../modules/sharing/sharing.repository.js';
import { SharingService } from '../modules/sharing/sharing.service.js';
import { createStatusLoaders } from '../modules/status/household-status.loader.js';
import { HouseholdStatusRepository } from '../modules/status/household-status.repository.js';
import type { Db } from './prisma.js';

/** The repositories, one set per process: they hold no request state. */
export function createRepositories(db: Db) {
  return {
    persons: new PersonRepository(db),
    households: new HouseholdRepository(db),
    statuses: new HouseholdStatusRepository(db),
    enrollments: new EnrollmentRepository(db),
    benefits: new BenefitRepository(db),
    audit: new AuditRepository(db),
    sharing: new SharingRepository(db),
    regionConfigs: new RegionConfigRepository(db),
    settlements: new SettlementRepository(db),
  };
}

/** The process-wide repositories. */
export type Repositories = ReturnType<typeof createRepositories>;

/** Fresh loaders for one request: batching and caching never cross requests (or principals). */
export function createLoaders(repositories: Repositories, scope: Prisma.PersonWhereInput) {
  return {
    ...createPersonLoaders(repositories.persons, scope),
    ...createHouseholdLoaders(repositories.households, scope),
    ...createStatusLoaders(repositories.statuses),
    ...createEnrollmentLoaders(repositories.enrollments),
    ...createBenefitLoaders(repositories.benefits),
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
  /** Collects what this operation reads or writes; one audit entry per operation. */
  auditWriter: AuditWriter;
  /** The audit log as AUDITOR clients query it. */
  audit: AuditQueryService;
  sharing: SharingService;
  regionConfigs: RegionConfigService;
  settlements: SettlementService;
  enrollments: EnrollmentService;
}

/** Builds the context of one authenticated request; its row scope is fixed for the request. */
export function createContext(principal: Principal, purpose: string | undefined, repositories: Repositories): HubContext {
  const scope = personScope(principal, today());
  const loaders = createLoaders(repositories, scope);
  const declared = (AGENCY_PURPOSES[principal.agency] as readonly string[]).includes(purpose ?? '') ? (purpose as Purpose) : null;
  const auditWriter = new AuditWriter(repositories.audit, {
    clientId: principal.clientId,
    agency: principal.agency,
    jti: principal.jti,
    purpose: declared,
    operationName: null,
    documentHash: null,
  });
  const regionConfigs = new RegionConfigService(repositories.regionConfigs, principal, auditWriter);
  const { persons, statuses } = repositories;
  return {
    principal,
    purpose,
    loaders,
    persons: new PersonService(persons, loaders, scope),
    auditWriter,
    audit: new AuditQueryService(repositories.audit, principal.jurisdiction),
    sharing: new SharingService(repositories.sharing, scope, auditWriter, principal.clientId),
    regionConfigs,
    settlements: new SettlementService(repositories.settlements, persons, statuses, regionConfigs, scope, auditWriter, principal),
    enrollments: new EnrollmentService(repositories.enrollments, persons, statuses, regionConfigs, scope, auditWriter),
  };
}
