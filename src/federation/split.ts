import {
  Kind,
  parse,
  print,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeDefinitionNode,
  type TypeNode,
} from 'graphql';

/** What the split needs to know, all of it data (no I/O). */
export interface SplitOptions<S extends string> {
  /** The subgraphs, in the order they are printed. */
  subgraphs: readonly S[];
  /** Root fields and resolver-owned fields, by coordinate (`Person.residual`). */
  fieldOwners: ReadonlyMap<string, S>;
  /** The subgraph owning each entity type (keyed by `id`). */
  entityOwners: Readonly<Record<string, S>>;
  /** The agencies granted a field coordinate; none = no `@requiresScopes` (structural fields). */
  scopes: (coordinate: string) => readonly string[];
}

const ROOTS = ['Query', 'Mutation', 'Subscription'];
const LINK = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@requiresScopes"])`;

/**
 * Splits the hub's SDL into one federation-2 subgraph SDL per subgraph:
 * each root field goes to the subgraph of its resolver; an entity type keeps
 * its own fields in its owner and appears elsewhere by its key `id` with the
 * fields that subgraph resolves on it; value types (no `id`) are copied,
 * `@shareable`, wherever they are reached. Every granted field carries
 * `@requiresScopes` with one scope per agency the access policy grants, so a
 * gateway applies the same field permissions as the single process.
 * Throws on a field that has no owner (a root field of no subgraph, or an
 * object type with an `id` that has no entity owner).
 */
export function splitSchema<S extends string>(hubSdl: string, options: SplitOptions<S>): Record<S, string> {
  const definitions = new Map<string, TypeDefinitionNode>();
  for (const definition of parse(hubSdl).definitions) {
    if ('name' in definition && definition.name && isTypeDefinition(definition)) definitions.set(definition.name.value, definition);
  }
  const isEntity = (type: ObjectTypeDefinitionNode) => type.fields?.some((field) => field.name.value === 'id') === true;
  const ownerOf = (type: ObjectTypeDefinitionNode, field: FieldDefinitionNode): S | undefined => {
    const coordinate = `${type.name.value}.${field.name.value}`;
    const owner = options.fieldOwners.get(coordinate);
    if (owner) return owner;
    if (ROOTS.includes(type.name.value)) throw new Error(`${coordinate} belongs to no subgraph`);
    if (!isEntity(type)) return undefined;
    const entityOwner = options.entityOwners[type.name.value];
    if (!entityOwner) throw new Error(`entity ${type.name.value} has no owner: add it to ENTITY_OWNERS in src/federation/subgraphs.ts`);
    return entityOwner;
  };

  const result = {} as Record<S, string>;
  for (const subgraph of options.subgraphs) {
    const emitted = new Map<string, DefinitionNode>();
    const pending: string[] = [];
    const reach = (type: TypeNode) => pending.push(namedType(type));
    const reachField = (field: FieldDefinitionNode) => {
      reach(field.type);
      field.arguments?.forEach((argument) => reach(argument.type));
    };
    const scoped = (typeName: string, field: FieldDefinitionNode): FieldDefinitionNode => {
      const agencies = options.scopes(`${typeName}.${field.name.value}`);
      if (agencies.length === 0) return field;
      return { ...field, directives: [...(field.directives ?? []), requiresScopes(agencies)] };
    };

    // Entities this subgraph adds fields to are part of it even when no root field reaches them.
    for (const definition of definitions.values()) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      if (ROOTS.includes(definition.name.value) || definition.fields?.some((field) => ownerOf(definition, field) === subgraph)) {
        pending.push(definition.name.value);
      }
    }
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (emitted.has(name)) continue;
      const definition = definitions.get(name);
      if (!definition) continue; // a built-in scalar
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
        emitted.set(name, definition);
        if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION)
          definition.fields?.forEach((field: InputValueDefinitionNode) => reach(field.type));
        if (definition.kind === Kind.UNION_TYPE_DEFINITION) definition.types?.forEach(reach);
        continue;
      }
      const fields = definition.fields ?? [];
      if (ROOTS.includes(name)) {
        const own = fields.filter((field) => ownerOf(definition, field) === subgraph);
        if (own.length === 0) continue;
        own.forEach(reachField);
        emitted.set(name, { ...definition, fields: own.map((field) => scoped(name, field)) });
      } else if (isEntity(definition)) {
        const own = fields.filter((field) => field.name.value === 'id' || ownerOf(definition, field) === subgraph);
        own.forEach(reachField);
        const resolvable = own.length > 1 || options.entityOwners[name] === subgraph;
        emitted.set(name, {
          ...definition,
          directives: [...(definition.directives ?? []), key(resolvable)],
          fields: own.map((field) => (field.name.value === 'id' ? field : scoped(name, field))),
        });
      } else {
        fields.forEach(reachField);
        emitted.set(name, {
          ...definition,
          directives: [...(definition.directives ?? []), directive('shareable')],
          fields: fields.map((field) => scoped(name, field)),
        });
      }
    }
    // In the hub's order, so a diff of the committed SDL shows what moved.
    const ordered = [...definitions.keys()].filter((name) => emitted.has(name)).map((name) => emitted.get(name)!);
    result[subgraph] = `${LINK}\n\n${ordered.map((definition) => print(definition)).join('\n\n')}\n`;
  }
  return result;
}

function isTypeDefinition(definition: DefinitionNode): definition is TypeDefinitionNode {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
    definition.kind === Kind.UNION_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION
  );
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function directive(name: string, args: ConstDirectiveNode['arguments'] = []): ConstDirectiveNode {
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: name }, arguments: args };
}

function key(resolvable: boolean): ConstDirectiveNode {
  const args: ConstArgumentNode[] = [
    { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: 'id' } },
  ];
  if (!resolvable) {
    args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'resolvable' }, value: { kind: Kind.BOOLEAN, value: false } });
  }
  return directive('key', args);
}

/** `@requiresScopes(scopes: [["A"], ["B"]])`: any one of the agencies (an OR of single scopes). */
function requiresScopes(agencies: readonly string[]): ConstDirectiveNode {
  const scopes = agencies.map((agency) => ({
    kind: Kind.LIST as const,
    values: [{ kind: Kind.STRING as const, value: agency }],
  }));
  return directive('requiresScopes', [
    { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'scopes' }, value: { kind: Kind.LIST, values: scopes } },
  ]);
}
