import { Decimal } from 'decimal.js';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { formatDate, parseDate } from './dates.js';
import { formatMoney, isAmount, Money } from './money.js';

// The scalars throw plain errors: graphql-js then reports a bad literal at its node, so the guard can name its argument.
function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw new TypeError(`${scalar} must be written as a string`);
  return ast.value;
}

function parseDateInput(value: unknown): Date {
  const date = typeof value === 'string' ? parseDate(value) : undefined;
  if (!date) throw new TypeError(`Date must be a real calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return date;
}

function parseDecimalInput(value: unknown): Decimal {
  if (typeof value !== 'string' || !isAmount(value)) {
    throw new TypeError(`Decimal must be a string amount with at most two decimals, got ${JSON.stringify(value)}`);
  }
  return new Money(value);
}

/** `YYYY-MM-DD` (api-contract.md). */
export const DateScalar = new GraphQLScalarType<Date, string>({
  name: 'Date',
  description: 'A calendar date, `YYYY-MM-DD`.',
  serialize: (value) => formatDate(value as Date),
  parseValue: parseDateInput,
  parseLiteral: (ast) => parseDateInput(stringLiteral(ast, 'Date')),
});

/** ISO 8601 with zone. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with zone (`2024-03-01T08:00:00.000Z`).',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' && /T.*(Z|[+-]\d{2}:\d{2})$/.test(value) ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new TypeError(`DateTime must be ISO 8601 with zone, got ${JSON.stringify(value)}`);
    return date;
  },
  parseLiteral(ast) {
    return this.parseValue!(stringLiteral(ast, 'DateTime'));
  },
});

/** Money: a string with two decimals in JSON, decimal.js inside. */
export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description: 'An amount of money in 元, a string with two decimals (`"7200.00"`); never a JSON number.',
  // Prisma's Decimal is decimal.js-compatible; formatting goes through a string so no float is ever involved.
  serialize: (value) => formatMoney(new Money(String(value))),
  parseValue: parseDecimalInput,
  parseLiteral: (ast) => parseDecimalInput(stringLiteral(ast, 'Decimal')),
});
