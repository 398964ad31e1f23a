import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'type-graphql';
import { HouseholdResolver } from '../modules/household/household.resolver.js';
import { PersonResolver } from '../modules/person/person.resolver.js';
import { ViewerResolver } from '../modules/client/viewer.resolver.js';

/** The committed SDL, for partners and for codegen. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

/** Builds the hub's whole GraphQL schema from the module resolvers. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [PersonResolver, HouseholdResolver, ViewerResolver], validate: false });
}

/** The SDL committed under `schema/`, in declaration order (enum order carries meaning). */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(schema)}\n`;
}
