import { MapperKind, mapSchema, pruneSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  isUnionType,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { Agency } from '../generated/prisma/enums.js';
import { fieldAccess, STRUCTURAL_TYPES } from './access-policy.js';
import { MASKS } from './masking.js';

interface AuditingContext {
  auditWriter: { record(access: { personIds: string[] }): void };
}

/**
 * One agency's view of the schema, as Hasura builds one per role: only the
 * fields the policy grants exist (introspection shows nothing else, and a
 * query naming another field fails validation), masked fields resolve to
 * their masked form on every path. The view itself is the deny-by-default:
 * a field it lacks cannot be asked for. The purposes of fields (FIELD_PURPOSES)
 * are checked by coordinate before execution (purpose.ts, in the access guard),
 * not per resolved field: graphql-shield, which this view used to carry with
 * `allow` on every field it has, denied nothing and cost +50 % p50 on the
 * nested read (`npm run bench:permissions`).
 */
export function agencyView(schema: GraphQLSchema, agency: Agency): GraphQLSchema {
  const granted = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      config = tracing(config, fieldName, typeName);
      if (STRUCTURAL_TYPES.includes(typeName)) return config;
      const coordinate = `${typeName}.${fieldName}`;
      if (FEDERATION_FIELDS.includes(coordinate)) return config;
      const access = fieldAccess(agency, coordinate);
      if (access === undefined) return null;
      const resolve = typeName === 'Person' ? audited(config.resolve ?? defaultFieldResolver) : config.resolve;
      if (access === 'full') return { ...config, resolve };
      return { ...config, resolve: masked(resolve ?? defaultFieldResolver, MASKS[coordinate]!) };
    },
    [MapperKind.INPUT_OBJECT_FIELD]: (config, fieldName, typeName) => (fieldAccess(agency, `${typeName}.${fieldName}`) ? config : null),
  });
  const view = pruneSchema(granted);
  // A subgraph's view with no entity the agency may read keeps no `_entities` (a union needs a member).
  const entity = view.getType('_Entity');
  if (!isUnionType(entity) || entity.getTypes().length > 0) return view;
  return pruneSchema(mapSchema(view, { [MapperKind.ROOT_FIELD]: (config, fieldName) => (fieldName === '_entities' ? null : config) }));
}

/**
 * One agency's view of the supergraph at the gateway: only the fields the
 * policy grants, without the resolvers of {@link agencyView} (the subgraphs
 * mask and audit, each with its own view); validation and introspection run
 * against it, so an agency sees through the gateway what it sees in the single process.
 */
export function filteredView(schema: GraphQLSchema, agency: Agency): GraphQLSchema {
  return pruneSchema(
    mapSchema(schema, {
      [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) =>
        STRUCTURAL_TYPES.includes(typeName) || fieldAccess(agency, `${typeName}.${fieldName}`) !== undefined ? config : null,
      [MapperKind.INPUT_OBJECT_FIELD]: (config, fieldName, typeName) => (fieldAccess(agency, `${typeName}.${fieldName}`) ? config : null),
    }),
  );
}

/**
 * The fields `@apollo/subgraph` adds to a subgraph's schema, kept in every
 * view of it: `_entities` returns only the entity fields the view has (a
 * representation of a type the view lacks fails), `_service` the subgraph's
 * SDL, for the gateway only (a subgraph answers nobody else: gateway-proof.ts).
 */
const FEDERATION_FIELDS: readonly string[] = ['Query._entities', 'Query._service', '_Service.sdl'];

/** The hidden person id of a `pageInfo` whose `endCursor` encodes one (a page of persons). */
export const CURSOR_PERSON = Symbol('person of endCursor');

/**
 * Every path that returns a person's id in any form names that person in the
 * audit entry, whatever the client selects below it: a field whose value is a
 * Person (even when only `__typename` is selected), a person edge's cursor and
 * a person page's `endCursor` (base64 of the person id), and fields named
 * `personId` / `personIds`.
 */
function tracing(config: GraphQLFieldConfig<unknown, unknown>, fieldName: string, typeName: string): GraphQLFieldConfig<unknown, unknown> {
  const resolve = config.resolve ?? defaultFieldResolver;
  const traced = (ids: (value: unknown, source: unknown) => unknown[]): GraphQLFieldResolver<unknown, unknown> => {
    return (source, args, context, info) => {
      const note = (value: unknown) => {
        const personIds = ids(value, source).filter((id): id is string => typeof id === 'string');
        if (personIds.length) (context as AuditingContext).auditWriter.record({ personIds });
        return value;
      };
      const value = resolve(source, args, context, info);
      return value instanceof Promise ? value.then(note) : note(value);
    };
  };
  if (getNamedType(config.type).name === 'Person') {
    return {
      ...config,
      resolve: traced((value) => (Array.isArray(value) ? value : [value]).map((p) => (p as { id?: unknown } | null)?.id)),
    };
  }
  if (typeName === 'PersonEdge' && fieldName === 'cursor') {
    return { ...config, resolve: traced((_value, edge) => [(edge as { node?: { id?: unknown } }).node?.id]) };
  }
  if (typeName === 'PageInfo' && fieldName === 'endCursor') {
    return { ...config, resolve: traced((_value, pageInfo) => [(pageInfo as { [CURSOR_PERSON]?: string })[CURSOR_PERSON]]) };
  }
  if ((fieldName === 'personId' || fieldName === 'personIds') && getNamedType(config.type).name === 'ID') {
    return { ...config, resolve: traced((value) => (Array.isArray(value) ? value : [value])) };
  }
  return config;
}

/** Every person whose data a response carries passes through its fields: that is where the audit learns who was read. */
function audited(resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (person, args, context, info) => {
    (context as AuditingContext).auditWriter.record({ personIds: [(person as { id: string }).id] });
    return resolve(person, args, context, info);
  };
}

function masked(resolve: GraphQLFieldResolver<unknown, unknown>, mask: (value: string) => string): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    const apply = (v: unknown) => (typeof v === 'string' ? mask(v) : v);
    return value instanceof Promise ? value.then(apply) : apply(value);
  };
}
