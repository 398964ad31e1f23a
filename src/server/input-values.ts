import {
  coerceInputValue,
  GraphQLError,
  isInputType,
  isNonNullType,
  Kind,
  typeFromAST,
  validate,
  ValuesOfCorrectTypeRule,
  specifiedRules,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { BadUserInputError, ErrorCode } from '../shared/errors.js';

/**
 * Where each value of a document sits, named as the schema names it: the
 * argument, then its input fields and list indexes (`input.visit`, `input.ratios[0].ratio`).
 */
interface ArgumentPaths {
  /** Every argument value node (and object field node) of the document, by its path. */
  readonly nodes: ReadonlyMap<ASTNode, string>;
  /** The path of each variable's first use. */
  readonly variables: ReadonlyMap<string, string>;
}

function argumentPaths(document: DocumentNode): ArgumentPaths {
  const nodes = new Map<ASTNode, string>();
  const variables = new Map<string, string>();
  const walk = (value: ValueNode, path: string): void => {
    nodes.set(value, path);
    if (value.kind === Kind.VARIABLE) {
      if (!variables.has(value.name.value)) variables.set(value.name.value, path);
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        nodes.set(field, `${path}.${field.name.value}`);
        walk(field.value, `${path}.${field.name.value}`);
      }
    } else if (value.kind === Kind.LIST) {
      value.values.forEach((item, index) => walk(item, `${path}[${index}]`));
    }
  };
  visit(document, {
    Argument(node) {
      walk(node.value, node.name.value);
    },
  });
  // A default value stands where its variable is used.
  visit(document, {
    VariableDefinition(node) {
      const name = node.variable.name.value;
      if (node.defaultValue) walk(node.defaultValue, variables.get(name) ?? `$${name}`);
    },
  });
  return { nodes, variables };
}

/** `input` + `["visit", 0, "x"]` → `input.visit[0].x`, as graphql-js prints the path of a variable's value. */
function joinPath(base: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((joined, key) => (typeof key === 'number' ? `${joined}[${key}]` : `${joined}.${key}`), base);
}

/** graphql-js's messages of a required input field left out, and of an unknown one: the field's name. */
const MISSING_FIELD = /^Field "(?:[_A-Za-z][_0-9A-Za-z]*\.)?([_A-Za-z][_0-9A-Za-z]*)" of required type .* was not provided\.$/;
const UNKNOWN_FIELD = /^Field "([_A-Za-z][_0-9A-Za-z]*)" is not defined by type/;

/** One wording for one mistake, whichever way the value came. */
function reasonOf(error: GraphQLError): string {
  if (MISSING_FIELD.test(error.message)) return 'is required';
  if (/^Expected non-nullable type .* not to be null\.$/.test(error.message)) return 'must not be null';
  return error.originalError && !(error.originalError instanceof GraphQLError) ? error.originalError.message : error.message;
}

/**
 * The error of a bad value at `argument`. An input field the client's schema
 * does not have is GRAPHQL_VALIDATION_FAILED, as any name the schema lacks
 * (an agency's view hides fields, and asking for one is a security event);
 * any other bad value is BAD_USER_INPUT. Either names the argument path.
 */
function badInput(argument: string, reason: string, unknownField = false): GraphQLError {
  if (!unknownField) return new BadUserInputError(`${argument}: ${reason}`, argument);
  return new GraphQLError(`${argument}: ${reason}`, { extensions: { argument, code: ErrorCode.GRAPHQL_VALIDATION_FAILED } });
}

/** graphql-js's rules less the one on values: a bad value is the client's input, not a document the schema lacks. */
export const DOCUMENT_RULES = specifiedRules.filter((rule) => rule !== ValuesOfCorrectTypeRule);

/**
 * The first argument value written in the document (a literal) that the
 * schema cannot use, as a BAD_USER_INPUT error naming the argument path as
 * the schema names it; null when there is none. Depends on the document
 * only (cache it with the document); the document must pass
 * {@link DOCUMENT_RULES}. The same value sent as a variable gets the same
 * code, argument and reason ({@link badVariableValue}).
 */
export function badLiteralValue(schema: GraphQLSchema, document: DocumentNode): GraphQLError | null {
  const literal = validate(schema, document, [ValuesOfCorrectTypeRule])[0];
  if (!literal) return null;
  const node = literal.nodes?.[0];
  const at = (node && argumentPaths(document).nodes.get(node)) ?? 'document';
  const missing = MISSING_FIELD.exec(literal.message)?.[1];
  // A missing required field is reported at its object; a variable's path names the field itself.
  const argument = missing && node?.kind === Kind.OBJECT ? `${at}.${missing}` : at;
  return badInput(argument, node?.kind === Kind.NULL ? 'must not be null' : reasonOf(literal), UNKNOWN_FIELD.test(literal.message));
}

/**
 * The first variable value the operation cannot use, as a BAD_USER_INPUT
 * error naming the argument path where the variable is used (`$input` with a
 * bad `serviceDate`, used as `settleClaim(input: $input)`, is
 * `input.serviceDate`); null when every value is fine. The document must be valid.
 */
export function badVariableValue(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): GraphQLError | null {
  // The paths are looked up only for a value at fault: an operation with good values pays the coercion alone.
  const usedAt = (name: string) => argumentPaths(document).variables.get(name) ?? `$${name}`;
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    // An unknown or output type was refused by validation already.
    if (!type || !isInputType(type)) continue;
    const given = Object.hasOwn(variables, name);
    if (!given || variables[name] === null) {
      if (isNonNullType(type) && (given || !definition.defaultValue))
        return badInput(usedAt(name), given ? 'must not be null' : 'is required');
      continue;
    }
    let found: GraphQLError | null = null;
    coerceInputValue(variables[name], type, (path, _value, error) => {
      if (found) return;
      const unknown = UNKNOWN_FIELD.exec(error.message)?.[1];
      const field = MISSING_FIELD.exec(error.message)?.[1] ?? unknown;
      // graphql-js reports a missing or unknown field at its object; the path goes down to the field, as a literal's does.
      found = badInput(joinPath(usedAt(name), field ? [...path, field] : path), reasonOf(error), unknown !== undefined);
    });
    if (found) return found;
  }
  return null;
}
