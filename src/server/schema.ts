import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'type-graphql';
import { renderAccessMatrix } from '../auth/access-matrix.js';
import { AGENCIES } from '../auth/access-policy.js';
import { agencyView } from '../auth/schema-views.js';
import { AlertResolver, PersonAlertsResolver } from '../modules/alert/alert.resolver.js';
import { AlertSubscriptionResolver } from '../modules/alert/alert.subscription.js';
import { ExchangeEventSubscriptionResolver } from '../modules/event/event.subscription.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { EnrollmentResolver } from '../modules/enrollment/enrollment.resolver.js';
import { HouseholdResolver } from '../modules/household/household.resolver.js';
import {
  HouseholdResidualOverCapConnectionResolver,
  HouseholdResidualOverCapResolver,
  HouseholdResidualResolver,
  PersonResidualResolver,
  ResidualOverCapConnectionResolver,
  ResidualOverCapResolver,
} from '../modules/residual/residual.resolver.js';
import { PersonResolver } from '../modules/person/person.resolver.js';
import { PersonRegistrationResolver } from '../modules/person/person-registration.resolver.js';
import { CertificationResolver } from '../modules/status/certification.resolver.js';
import { CertificationCheckResolver } from '../modules/status/certification-check.resolver.js';
import { PartnerPaymentResolver } from '../modules/partner/partner-payment.resolver.js';
import { ApplicationResolver } from '../modules/application/application.resolver.js';
import { RegionConfigResolver } from '../modules/region-config/region-config.resolver.js';
import { SettlementResolver } from '../modules/settlement/settlement.resolver.js';
import { SharingResolver } from '../modules/sharing/sharing.resolver.js';
import { WebhookResolver } from '../modules/webhook/webhook.resolver.js';
import { ViewerResolver } from '../modules/client/viewer.resolver.js';
import { FundInflowResolver } from '../modules/finance/fund-inflow.resolver.js';
import { StatisticsResolver } from '../modules/statistics/statistics.resolver.js';
import { composeSupergraph, subgraphSdls } from '../federation/supergraph.js';
import { PubSub } from './pubsub.js';

/** The committed SDL, for partners and for codegen. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every generated file that is committed, by path: the whole SDL, each
 * agency's view (its contract, for generating its client), and the access
 * matrix for people. `npm run schema` writes them; a test compares them.
 */
export function emittedFiles(schema: GraphQLSchema): Record<string, string> {
  const files: Record<string, string> = { [SCHEMA_FILE]: printHubSchema(schema) };
  for (const agency of AGENCIES) {
    files[path.join(ROOT, 'schema', 'agencies', `${agency}.graphql`)] = printHubSchema(agencyView(schema, agency));
  }
  files[path.join(ROOT, 'docs', 'access-matrix.md')] = renderAccessMatrix(schema);
  const subgraphs = subgraphSdls(schema, HUB_RESOLVERS);
  for (const [name, sdl] of Object.entries(subgraphs)) files[path.join(ROOT, 'schema', 'subgraphs', `${name}.graphql`)] = sdl;
  files[path.join(ROOT, 'schema', 'supergraph.graphql')] = composeSupergraph(subgraphs).supergraphSdl;
  return files;
}

/** Every resolver class of the hub; `src/federation/subgraphs.ts` gives each one subgraph. */
export const HUB_RESOLVERS = [
  PersonResolver,
  PersonRegistrationResolver,
  CertificationResolver,
  CertificationCheckResolver,
  PartnerPaymentResolver,
  ApplicationResolver,
  HouseholdResolver,
  PersonResidualResolver,
  HouseholdResidualResolver,
  ResidualOverCapResolver,
  HouseholdResidualOverCapResolver,
  ResidualOverCapConnectionResolver,
  HouseholdResidualOverCapConnectionResolver,
  ViewerResolver,
  AuditResolver,
  SharingResolver,
  RegionConfigResolver,
  SettlementResolver,
  EnrollmentResolver,
  AlertResolver,
  PersonAlertsResolver,
  AlertSubscriptionResolver,
  ExchangeEventSubscriptionResolver,
  WebhookResolver,
  StatisticsResolver,
  FundInflowResolver,
] as const;

/**
 * Builds the hub's whole GraphQL schema from the module resolvers. Its
 * subscriptions listen on `pubSub`, which the alert feed publishes to; the
 * default one serves a schema that is only printed or queried.
 */
export function buildHubSchema(pubSub: PubSub = new PubSub()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: HUB_RESOLVERS,
    pubSub,
    validate: false,
  });
}

/** The SDL committed under `schema/`, in declaration order (enum order carries meaning). */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(schema)}\n`;
}
