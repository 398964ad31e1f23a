import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import type { HubContext, Loaders } from '../server/context.js';
import { subgraphSdls } from './supergraph.js';
import type { ResolverClass, Subgraph } from './subgraphs.js';

/**
 * How a subgraph finds an entity another subgraph named by its key: through
 * the request's DataLoader of that type, so that one `_entities` request of n
 * representations is one statement per type, and within the client's row
 * scope (a reference to a row outside it resolves to null, as the single
 * process would not have reached it). An entity type that appears in more
 * than one subgraph must be here (test/federation/subgraph.test.ts).
 */
export const REFERENCE_LOADERS: Readonly<Record<string, (loaders: Loaders) => { load(id: string): Promise<unknown> }>> = {
  Person: (loaders) => loaders.personById,
  Household: (loaders) => loaders.householdById,
  HouseholdStatus: (loaders) => loaders.statusById,
  Enrollment: (loaders) => loaders.enrollmentById,
  BenefitRecord: (loaders) => loaders.benefitById,
};

/**
 * One subgraph's executable schema, as type-graphql's apollo-federation-2
 * example builds one: the hub's type-graphql schema gives the resolvers
 * (`createResolversMap`), the split gives the subgraph's SDL (its `@key`s and
 * `@requiresScopes`), and `@apollo/subgraph` adds `_service` and `_entities`
 * with a `__resolveReference` per entity type through the DataLoaders.
 * The same resolvers as the single process: only the fields differ.
 */
export function buildSubgraph(subgraph: Subgraph, hub: GraphQLSchema, resolvers: readonly ResolverClass[]): GraphQLSchema {
  const typeDefs = parse(subgraphSdls(hub, resolvers)[subgraph]);
  const all = createResolversMap(hub) as Record<string, unknown>;
  const map: Record<string, unknown> = {};
  for (const definition of typeDefs.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    const resolversOfType = all[name];
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
      const own = new Set(definition.fields?.map((field) => field.name.value));
      const fields: Record<string, unknown> = {};
      for (const [field, resolver] of Object.entries((resolversOfType ?? {}) as Record<string, unknown>)) {
        if (own.has(field) || field.startsWith('__')) fields[field] = resolver;
      }
      const reference = REFERENCE_LOADERS[name];
      const isEntity = definition.directives?.some((directive) => directive.name.value === 'key');
      if (isEntity) {
        fields.__resolveReference = reference
          ? (representation: { id: string }, context: HubContext) => reference(context.loaders).load(representation.id)
          : () => null;
      }
      map[name] = fields;
    } else if (resolversOfType !== undefined) {
      map[name] = resolversOfType;
    }
  }
  return buildSubgraphSchema({ typeDefs, resolvers: map as never });
}
