import 'reflect-metadata';
import { AlertResolver, PersonAlertsResolver } from '../modules/alert/alert.resolver.js';
import { AlertSubscriptionResolver } from '../modules/alert/alert.subscription.js';
import { ExchangeEventSubscriptionResolver } from '../modules/event/event.subscription.js';
import { ApplicationResolver } from '../modules/application/application.resolver.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { ViewerResolver } from '../modules/client/viewer.resolver.js';
import { EnrollmentResolver } from '../modules/enrollment/enrollment.resolver.js';
import { FundInflowResolver } from '../modules/finance/fund-inflow.resolver.js';
import { HouseholdResolver } from '../modules/household/household.resolver.js';
import { PartnerPaymentResolver } from '../modules/partner/partner-payment.resolver.js';
import { PersonRegistrationResolver } from '../modules/person/person-registration.resolver.js';
import { PersonResolver } from '../modules/person/person.resolver.js';
import { RegionConfigResolver } from '../modules/region-config/region-config.resolver.js';
import {
  HouseholdResidualOverCapConnectionResolver,
  HouseholdResidualOverCapResolver,
  HouseholdResidualResolver,
  PersonResidualResolver,
  ResidualOverCapConnectionResolver,
  ResidualOverCapResolver,
} from '../modules/residual/residual.resolver.js';
import { SettlementResolver } from '../modules/settlement/settlement.resolver.js';
import { SharingResolver } from '../modules/sharing/sharing.resolver.js';
import { StatisticsResolver } from '../modules/statistics/statistics.resolver.js';
import { CertificationCheckResolver } from '../modules/status/certification-check.resolver.js';
import { CertificationResolver } from '../modules/status/certification.resolver.js';
import { WebhookResolver } from '../modules/webhook/webhook.resolver.js';

/** The subgraphs of the federated deployment, each owned by the agencies named beside it. */
export const SUBGRAPHS = ['registry', 'certification', 'insurance', 'monitoring', 'partners', 'statistics', 'audit'] as const;

/** A class of resolvers (`@Resolver`), as type-graphql takes them. */
export type ResolverClass = abstract new (...args: never[]) => object;

/** One subgraph's name. */
export type Subgraph = (typeof SUBGRAPHS)[number];

/**
 * Which subgraph serves each resolver class: its root fields and the fields it
 * resolves on other types (`@FieldResolver`). Ownership is data here, so the
 * single process and the federated deployment run the same resolvers.
 * registry: medical insurance registers persons and households;
 * certification: civil affairs and rural revitalization certify and decide;
 * insurance: enrollments, settlement, region configuration, the fund;
 * monitoring: alerts, webhooks, subscriptions; partners: referrals, consents,
 * payments; statistics: the disclosure-controlled tables; audit: the log.
 */
export const SUBGRAPH_RESOLVERS: Readonly<Record<Subgraph, readonly ResolverClass[]>> = {
  registry: [PersonResolver, PersonRegistrationResolver, HouseholdResolver, ViewerResolver],
  certification: [CertificationResolver, CertificationCheckResolver, ApplicationResolver],
  insurance: [
    EnrollmentResolver,
    SettlementResolver,
    RegionConfigResolver,
    PersonResidualResolver,
    HouseholdResidualResolver,
    ResidualOverCapResolver,
    HouseholdResidualOverCapResolver,
    ResidualOverCapConnectionResolver,
    HouseholdResidualOverCapConnectionResolver,
    FundInflowResolver,
  ],
  monitoring: [AlertResolver, PersonAlertsResolver, AlertSubscriptionResolver, ExchangeEventSubscriptionResolver, WebhookResolver],
  partners: [PartnerPaymentResolver, SharingResolver],
  statistics: [StatisticsResolver],
  audit: [AuditResolver],
};

/**
 * The subgraph that owns each entity type (an object type with an `id`): it
 * serves the type's own fields and resolves references to it; the others name
 * the entity by its key only, or add the fields their resolvers own.
 */
export const ENTITY_OWNERS: Readonly<Record<string, Subgraph>> = {
  Person: 'registry',
  Household: 'registry',
  HouseholdStatus: 'certification',
  AssistanceApplication: 'certification',
  Enrollment: 'insurance',
  BenefitRecord: 'insurance',
  RegionConfig: 'insurance',
  SubsidyDecision: 'insurance',
  FundInflow: 'insurance',
  Alert: 'monitoring',
  Webhook: 'monitoring',
  WebhookDeliveryRecord: 'monitoring',
  ExchangeEvent: 'monitoring',
  SharingGrant: 'partners',
  CharityAid: 'partners',
  CommercialClaim: 'partners',
};
