import { getMetadataStorage } from 'type-graphql';
import { SUBGRAPH_RESOLVERS, SUBGRAPHS, type ResolverClass, type Subgraph } from './subgraphs.js';

/**
 * The subgraph of every field a resolver class serves, by coordinate
 * (`Query.person`, `Person.residual`), read from type-graphql's metadata.
 * Throws, naming the class, when one of `resolvers` (the hub's list) belongs
 * to no subgraph or to two: a new resolver must be given an owner in
 * `src/federation/subgraphs.ts` before the schema can be emitted.
 */
export function resolverFieldOwners(resolvers: readonly ResolverClass[]): Map<string, Subgraph> {
  const subgraphOf = new Map<object, Subgraph>();
  const hub = new Set<object>(resolvers);
  for (const subgraph of SUBGRAPHS) {
    for (const resolver of SUBGRAPH_RESOLVERS[subgraph]) {
      const other = subgraphOf.get(resolver);
      if (other)
        throw new Error(`${resolver.name} is in subgraphs ${other} and ${subgraph}: give it one owner in src/federation/subgraphs.ts`);
      subgraphOf.set(resolver, subgraph);
    }
  }
  for (const resolver of resolvers) {
    if (!subgraphOf.has(resolver))
      throw new Error(`${resolver.name} belongs to no subgraph: add it to SUBGRAPH_RESOLVERS in src/federation/subgraphs.ts`);
  }

  const storage = getMetadataStorage();
  const typeName = (target: object & { name: string }) => storage.objectTypes.find((type) => type.target === target)?.name ?? target.name;
  const owners = new Map<string, Subgraph>();
  const roots = [
    ['Query', storage.queries],
    ['Mutation', storage.mutations],
    ['Subscription', storage.subscriptions],
  ] as const;
  for (const [root, handlers] of roots) {
    for (const handler of handlers) {
      const subgraph = subgraphOf.get(handler.target);
      if (subgraph && hub.has(handler.target)) owners.set(`${root}.${handler.schemaName}`, subgraph);
    }
  }
  for (const handler of storage.fieldResolvers) {
    const subgraph = subgraphOf.get(handler.target);
    if (!subgraph || !hub.has(handler.target)) continue;
    const parent = handler.getObjectType?.() ?? storage.resolverClasses.find((meta) => meta.target === handler.target)?.getObjectType?.();
    if (parent) owners.set(`${typeName(parent as object & { name: string })}.${handler.schemaName}`, subgraph);
  }
  return owners;
}
