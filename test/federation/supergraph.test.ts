import 'reflect-metadata';
import { buildSchema, isInputObjectType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { resolverFieldOwners } from '../../src/federation/ownership.js';
import { composeSupergraph, grantedAgencies, subgraphSdls } from '../../src/federation/supergraph.js';
import { SUBGRAPHS } from '../../src/federation/subgraphs.js';
import { buildHubSchema, HUB_RESOLVERS } from '../../src/server/schema.js';

/** Every `Type.field(arg,…)` of a schema's own object and input types. */
function coordinates(schema: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type.name.startsWith('join__') || type.name.startsWith('link__')) continue;
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        found.push(
          `${type.name}.${field.name}(${field.args.map((arg) => `${arg.name}:${String(arg.type)}`).join(',')}):${String(field.type)}`,
        );
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) found.push(`${type.name}.${field.name}:${String(field.type)}`);
    }
  }
  return found.sort();
}

/** The root fields a subgraph's SDL declares. */
function rootFields(sdl: string): string[] {
  return parse(sdl).definitions.flatMap((definition) =>
    definition.kind === 'ObjectTypeDefinition' && ['Query', 'Mutation', 'Subscription'].includes(definition.name.value)
      ? (definition.fields ?? []).map((field) => `${definition.name.value}.${field.name.value}`)
      : [],
  );
}

/** The fields one type has in one subgraph's SDL. */
function fieldsOf(sdl: string, typeName: string): string[] {
  for (const definition of parse(sdl).definitions) {
    if (definition.kind === 'ObjectTypeDefinition' && definition.name.value === typeName)
      return (definition.fields ?? []).map((field) => field.name.value);
  }
  return [];
}

describe('the federated supergraph', () => {
  it('composes from the subgraphs into exactly the hub’s fields and arguments, no more, no fewer', async () => {
    const hub = await buildHubSchema();
    const { publicSdl } = composeSupergraph(subgraphSdls(hub, HUB_RESOLVERS));
    expect(coordinates(buildSchema(publicSdl))).toEqual(coordinates(hub));
  });

  it('puts every root field in exactly one subgraph, the one of its resolver', async () => {
    const hub = await buildHubSchema();
    const sdls = subgraphSdls(hub, HUB_RESOLVERS);
    const roots = SUBGRAPHS.flatMap((name) => rootFields(sdls[name]));
    expect(new Set(roots).size).toBe(roots.length);
    expect(rootFields(sdls.audit)).toContain('Query.auditLog');
    expect(rootFields(sdls.registry)).not.toContain('Query.auditLog');
    expect(rootFields(sdls.insurance)).toContain('Mutation.settleClaim');
  });

  it('lets a subgraph add fields to an entity it does not own, and names the entity elsewhere by its key only', async () => {
    const sdls = subgraphSdls(await buildHubSchema(), HUB_RESOLVERS);
    expect(fieldsOf(sdls.insurance, 'Person')).toEqual(['id', 'residual']);
    expect(fieldsOf(sdls.registry, 'Person')).toContain('idNumber');
    expect(fieldsOf(sdls.registry, 'Person')).not.toContain('residual');
    expect(sdls.registry).toMatch(/type HouseholdStatus @key\(fields: "id", resolvable: false\) \{\s+id: ID!\s+\}/);
  });

  it('requires, at the gateway, one of the agencies the access policy grants, and nothing for the others', async () => {
    const { supergraphSdl } = composeSupergraph(subgraphSdls(await buildHubSchema(), HUB_RESOLVERS));
    expect(grantedAgencies('Query.residualsOverCap')).toEqual(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS']);
    expect(supergraphSdl).toMatch(
      /\): ResidualOverCapConnection! [^\n]*@requiresScopes\(scopes: \[\["MEDICAL_INSURANCE"\], \["CIVIL_AFFAIRS"\]\]\)/,
    );
    expect(grantedAgencies('AuditEntry.personIds')).toEqual(['AUDITOR']);
    expect(grantedAgencies('Person.idNumber')).not.toContain('ANALYST');
    expect(grantedAgencies('Person.idNumber')).not.toContain('FINANCE');
    expect(grantedAgencies('PageInfo.endCursor')).toEqual([]);
  });

  it('refuses to emit a schema with a resolver no subgraph owns, naming it', () => {
    @Resolver()
    class StrayResolver {
      @Query(() => String)
      stray(): string {
        return '';
      }
    }
    expect(() => resolverFieldOwners([...HUB_RESOLVERS, StrayResolver])).toThrow(/StrayResolver belongs to no subgraph/);
  });
});
