import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse, printSchema, type GraphQLSchema } from 'graphql';
import { AGENCIES, fieldAccess, STRUCTURAL_TYPES } from '../auth/access-policy.js';
import { resolverFieldOwners } from './ownership.js';
import { splitSchema } from './split.js';
import { ENTITY_OWNERS, SUBGRAPHS, type ResolverClass, type Subgraph } from './subgraphs.js';

/** Where each subgraph listens by default when one command starts them all: 4101, 4102, … in `SUBGRAPHS` order. */
export const SUBGRAPH_BASE_PORT = 4101;

/** The port a subgraph listens on by default. */
export function defaultSubgraphPort(subgraph: Subgraph): number {
  return SUBGRAPH_BASE_PORT + SUBGRAPHS.indexOf(subgraph);
}

/** The default URL of a subgraph, written into the committed supergraph; `HUB_SUBGRAPHS` overrides it at run time. */
export function defaultSubgraphUrl(subgraph: Subgraph): string {
  return `http://localhost:${defaultSubgraphPort(subgraph)}/graphql`;
}

/** The agencies the access policy grants a coordinate: the `@requiresScopes` of that field. */
export function grantedAgencies(coordinate: string): string[] {
  if (STRUCTURAL_TYPES.includes(coordinate.slice(0, coordinate.indexOf('.')))) return [];
  return AGENCIES.filter((agency) => fieldAccess(agency, coordinate) !== undefined);
}

/** Each subgraph's SDL, split from the hub's schema by the ownership in `subgraphs.ts`. */
export function subgraphSdls(hub: GraphQLSchema, resolvers: readonly ResolverClass[]): Record<Subgraph, string> {
  return splitSchema(printSchema(hub), {
    subgraphs: SUBGRAPHS,
    fieldOwners: resolverFieldOwners(resolvers),
    entityOwners: ENTITY_OWNERS,
    scopes: grantedAgencies,
  });
}

/**
 * Composes the subgraphs into the supergraph SDL with The Guild's
 * Apollo-compatible composition, so Hive Gateway, Apollo Router and Cosmo
 * can all serve it. Throws with every composition error when they do not compose.
 */
export function composeSupergraph(sdls: Record<Subgraph, string>): { supergraphSdl: string; publicSdl: string } {
  const result = composeServices(SUBGRAPHS.map((name) => ({ name, typeDefs: parse(sdls[name]), url: defaultSubgraphUrl(name) })));
  if (compositionHasErrors(result)) {
    throw new Error(`the subgraphs do not compose:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return { supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl };
}
