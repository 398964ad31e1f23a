import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { PAGE } from '../shared/pagination.js';
import { QueryTooComplexError } from '../shared/errors.js';
import { DEFAULT_LIST_BOUND, LIST_BOUNDS, type ClientLimits } from './limits-policy.js';

/**
 * The operation limits of limits-policy.ts, measured on a document before it
 * is validated or executed (graphql-js's own validation is quadratic in
 * aliases, so it must not see an oversized document first). Pure: no I/O.
 * Every measure is linear in the document's size: fragments are measured
 * once each, however often they are spread.
 */

/** What a document asks for, as the limits count it. */
export interface OperationMeasures {
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
}

/**
 * Counts the lexical tokens of `source`, stopping one past `max`: a
 * document is never lexed further than its limit allows. A lexing error
 * ends the count (the parser reports it).
 */
export function countTokens(source: string, max: number): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > max) return count;
    }
  } catch {
    // A syntax error: the parser will say where.
  }
  return count;
}

/**
 * The root fields that read the schema rather than data. Their selections
 * count 1 for depth and cost whatever they nest: a standard introspection
 * query (GraphiQL's, codegen's) is 12–15 levels deep and would cost tens of
 * thousands by list bounds made for data, yet walks an in-memory schema.
 * graphql-js's MaxIntrospectionDepthRule refuses what would make it
 * expensive (`fields { type { fields { type { fields … } } } }`), and the
 * alias and token limits still count inside.
 */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/** Measures a parsed document against `schema` (an agency's view); `variables` give the `first` sent as variables. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): OperationMeasures {
  let aliases = 0;
  let directives = 0;
  visit(document, {
    Field(node) {
      if (node.alias) aliases += 1;
    },
    Directive() {
      directives += 1;
    },
  });

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, { cost: number; depth: number }>();
  const measuring = new Set<string>();

  const fragment = (name: string): { cost: number; depth: number } => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    // An unknown or cyclic fragment costs nothing here: validation refuses the document.
    if (!definition || measuring.has(name)) return { cost: 0, depth: 0 };
    measuring.add(name);
    const result = selectionSet(definition.selectionSet, schema.getType(definition.typeCondition.name.value));
    measuring.delete(name);
    measured.set(name, result);
    return result;
  };

  const selectionSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): { cost: number; depth: number } => {
    let cost = 0;
    let depth = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_ROOTS.has(selection.name.value)) {
          // The schema, not data: graphql-js's MaxIntrospectionDepthRule (one of DOCUMENT_RULES) bounds how its lists nest.
          cost += 1;
          depth = Math.max(depth, 1);
          continue;
        }
        const definition =
          parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        const type = definition ? getNamedType(definition.type) : undefined;
        const child = selection.selectionSet
          ? selectionSet(selection.selectionSet, type && isCompositeType(type) ? type : undefined)
          : { cost: 0, depth: 0 };
        depth = Math.max(depth, 1 + child.depth);
        if (selection.selectionSet) cost += listSize(parent?.name, definition, selection, variables) * (1 + child.cost);
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? selectionSet(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent)
            : fragment(selection.name.value);
        cost += inner.cost;
        depth = Math.max(depth, inner.depth);
      }
    }
    return { cost, depth };
  };

  let cost = 0;
  let depth = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root =
      definition.operation === 'query'
        ? schema.getQueryType()
        : definition.operation === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    const measures = selectionSet(definition.selectionSet, root ?? undefined);
    cost = Math.max(cost, measures.cost);
    depth = Math.max(depth, measures.depth);
  }
  return { depth, aliases, directives, cost };
}

/**
 * How many objects a field of object type may return: its `first` (the
 * default page size when not given), 1 for a connection's `edges` (bounded
 * by the field that leads to them), LIST_BOUNDS for other lists, 1 for a
 * single object.
 */
function listSize(
  parent: string | undefined,
  definition: GraphQLField<unknown, unknown> | undefined,
  node: FieldNode,
  variables: Record<string, unknown>,
): number {
  if (!definition) return 1;
  if (definition.args.some((arg) => arg.name === 'first')) return firstOf(node, variables);
  if (!isListType(getNullableType(definition.type))) return 1;
  if (parent?.endsWith('Connection') && definition.name === 'edges') return 1;
  return LIST_BOUNDS[`${parent}.${definition.name}`] ?? DEFAULT_LIST_BOUND;
}

/** The `first` a field asks for; a value that is not a positive whole number counts as the largest page (the resolver refuses it anyway). */
function firstOf(node: FieldNode, variables: Record<string, unknown>): number {
  const argument = node.arguments?.find((arg) => arg.name.value === 'first');
  if (!argument) return PAGE.default;
  const value =
    argument.value.kind === Kind.INT
      ? Number(argument.value.value)
      : argument.value.kind === Kind.VARIABLE
        ? variables[argument.value.name.value]
        : argument.value.kind === Kind.NULL
          ? PAGE.default
          : undefined;
  if (value === undefined || value === null) return argument.value.kind === Kind.VARIABLE ? PAGE.default : PAGE.max;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : PAGE.max;
}

/** Throws QUERY_TOO_COMPLEX for the first limit the measures pass, in the order aliases, directives, depth, cost. */
export function checkMeasures(measures: OperationMeasures, limits: ClientLimits): void {
  for (const limit of ['aliases', 'directives', 'depth', 'cost'] as const) {
    if (measures[limit] > limits[limit]) throw new QueryTooComplexError(limit, limits[limit], measures[limit]);
  }
}
