import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { personScopeSql, type ScopeEnv } from '../../auth/row-scope.js';
import type { Principal } from '../../auth/principal.js';
import { formatDate, today } from '../../shared/dates.js';
import { Money } from '../../shared/money.js';
import { CursorList, type PageRequest } from '../../shared/pagination.js';
import { attachPlanned, likePrefix, SqlText } from '../../shared/planned.js';
import { requireRegionPrefix, requireYear } from '../../shared/validate.js';
import type { BenefitRow, BurdenRow } from '../benefit/benefit.repository.js';
import { activeOnSql } from '../status/household-status.repository.js';
import type { PersonCriteria } from './person.repository.js';
import type { Person } from '../../generated/prisma/client.js';

/**
 * The planner of `persons(…)` (issue 15, "plan the operation once"): it
 * compiles the selection set of the field — the page of persons and, below
 * each, household { members }, statuses, enrollments, benefits and burden —
 * into ONE SQL statement in which PostgreSQL builds the nested JSON
 * (correlated subqueries, which it runs as lateral sub-plans, with json_agg /
 * json_build_object), the caller's row scope applied in SQL (personScopeSql,
 * the twin of personScope) on the page and on every household's members.
 *
 * The result goes back through the same resolvers: the root returns plain
 * objects with the nested data attached (`PLANNED`, by response key), and the
 * field resolvers return what is attached instead of asking their loaders.
 * So the agency's view still masks and audits every field on every path
 * (schema-views.ts): masking stays in Node, on the value the view's resolver
 * returns, exactly as on the unplanned path. A field the planner does not
 * know (Person.alerts, Enrollment.subsidyDecisions, …) is not planned: its
 * resolver and loaders run as before. A selection it cannot read at all
 * (directives) is not planned: the whole field falls back to the loaders.
 *
 * Compiled statements are cached by the field's node in the parsed document
 * (Apollo keeps a document per query text), the agency, whether the client
 * has a jurisdiction, and the variables' shape (which are null); a request
 * only reads its values again.
 */

const PERSONS = new CursorList('person');
const BENEFITS = new CursorList('benefit');

/** What a compiled statement reads its values from. */
interface PlanEnv extends ScopeEnv {
  variables: Record<string, unknown>;
  /** Argument values, once per field node and request. */
  args: Map<FieldNode, Record<string, unknown>>;
  /** The validated arguments of `persons`. */
  request: PersonsRequest;
}

/** Turns one field's JSON (as PostgreSQL built it) into what its resolver returns. */
type Decode = (json: unknown) => unknown;

/** A relation of an object, planned: its JSON expression and how to decode it. */
interface PlannedField {
  key: string;
  sql: string;
  decode: Decode;
}

/** The statement of one `persons` field, compiled. */
interface CompiledPersons {
  sql: SqlText<PlanEnv>;
  text: string;
  counts: boolean;
  decodePerson: (json: Record<string, unknown>) => Person;
}

/** Thrown while compiling: this selection is not planned (the loaders serve it). */
class Unplannable extends Error {}

/** The arguments of `persons` after validation, as PersonService.list checks them. */
export interface PersonsRequest {
  criteria: PersonCriteria;
  page: PageRequest<string>;
}

/** Validates the arguments of `persons` (BAD_USER_INPUT before anything is read). */
export function personsRequest(
  filter: { regionPrefix?: string | null; category?: PersonCriteria['category']; activeOn?: Date | null } | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): PersonsRequest {
  const page = PERSONS.request(first, after);
  const regionPrefix = filter?.regionPrefix == null ? null : requireRegionPrefix(filter.regionPrefix, 'filter.regionPrefix');
  const activeOn = filter?.activeOn ?? (filter?.category ? today() : null);
  return { page, criteria: { regionPrefix, category: filter?.category ?? null, activeOn } };
}

const cache = new WeakMap<FieldNode, Map<string, CompiledPersons | null>>();

/** Runs one planned statement: its text and values; one row back. */
export type RunPlan = (text: string, values: unknown[]) => Promise<{ total: number | null; rows: string }>;

/** The planner of one request: the caller (its row scope) and how to run a statement. */
export class PersonPlanner {
  constructor(
    private readonly principal: Principal,
    private readonly run: RunPlan,
  ) {}

  /**
   * The persons of the page with everything below them the selection asks
   * for, in one statement; null when the selection is not planned (the caller
   * then reads as before).
   */
  async page(info: GraphQLResolveInfo, request: PersonsRequest): Promise<{ persons: Person[]; totalCount: number } | null> {
    const env: PlanEnv = { principal: this.principal, today: today(), variables: info.variableValues, args: new Map(), request };
    const compiled = this.compiled(info, request, env);
    if (!compiled) return null;
    let values: unknown[];
    try {
      values = compiled.sql.values(env);
    } catch {
      // A value this request's arguments reject (a bad cursor, a year out of range): the resolvers say which.
      return null;
    }
    const { total, rows } = await this.run(compiled.text, values);
    const persons = (JSON.parse(rows) as Record<string, unknown>[]).map(compiled.decodePerson);
    return { persons, totalCount: total ?? 0 };
  }

  private compiled(info: GraphQLResolveInfo, request: PersonsRequest, env: PlanEnv): CompiledPersons | null {
    const node = info.fieldNodes[0]!;
    const key = [
      this.principal.agency,
      this.principal.jurisdiction ? 'J' : '',
      info.fieldNodes.length,
      shapeOf(info.variableValues),
      request.criteria.regionPrefix == null ? 0 : 1,
      request.criteria.category == null ? 0 : 1,
      request.criteria.activeOn == null ? 0 : 1,
      request.page.after == null ? 0 : 1,
    ].join('|');
    let byShape = cache.get(node);
    if (!byShape) cache.set(node, (byShape = new Map()));
    if (byShape.has(key)) return byShape.get(key)!;
    const compiler = new Compiler(info, this.principal, env);
    let compiled: CompiledPersons | null;
    try {
      compiled = compiler.persons(request);
    } catch (error) {
      if (!(error instanceof Unplannable)) throw error;
      compiled = null;
    }
    // The view (agency) is part of the key: a document validated against one view is planned against that view.
    // A plan that left a field out for this request's values (a bad nested argument) is not the shape's plan.
    if (!compiler.partial && byShape.size < 64) byShape.set(key, compiled);
    return compiled;
  }
}

/** Which variables are null, and which keys of object variables: all a compiled statement's text depends on. */
function shapeOf(value: unknown): string {
  if (value == null) return '0';
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${shapeOf((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return '1';
}

const DAY_MS = 86_400_000;
const day = (value: unknown): Date | null => (value == null ? null : new Date((value as number) * DAY_MS));
const instant = (value: unknown): Date | null => (value == null ? null : new Date(value as number));
/** A date column as whole days since 1970 (a JSON number), decoded by `day`. */
const days = (column: string) => `(${column} - DATE '1970-01-01')`;
/** A timestamptz column as epoch milliseconds, decoded by `instant`. */
const millis = (column: string) => `(extract(epoch FROM ${column}) * 1000)::bigint`;

/** Person columns, always read whole: a field resolver the plan does not cover finds the row as Prisma gives it. */
const PERSON_FIELDS = new Set(['id', 'idNumber', 'name', 'gender', 'birthDate', 'residence', 'regionCode', 'phone', '__typename']);

/** The JSON of every person column, for the person alias `p`. */
const personColumns = (p: string) =>
  `'id', ${p}.id, 'idNumber', ${p}.id_number, 'name', ${p}.name, 'gender', ${p}.gender, 'birthDate', ${days(`${p}.birth_date`)},` +
  ` 'residence', ${p}.residence, 'regionCode', ${p}.region_code, 'phone', ${p}.phone, 'householdId', ${p}.household_id,` +
  ` 'createdAt', ${millis(`${p}.created_at`)}, 'updatedAt', ${millis(`${p}.updated_at`)}`;

/** A HouseholdStatus's fields: its JSON key, its SQL (alias `s`), its decoding. Money is read as text: decimal all the way. */
const STATUS_COLUMNS: [string, (s: string) => string, Decode?][] = [
  ['id', (s) => `${s}.id`],
  ['personId', (s) => `${s}.person_id`],
  ['category', (s) => `${s}.category`],
  ['class', (s) => `${s}.class`],
  ['certifiedBy', (s) => `${s}.certified_by`],
  ['documentNo', (s) => `${s}.document_no`],
  ['validFrom', (s) => days(`${s}.valid_from`), day],
  ['validTo', (s) => days(`${s}.valid_to`), day],
  ['transitionUntil', (s) => days(`${s}.transition_until`), day],
  ['retroactive', (s) => `${s}.retroactive`],
  ['revokedAt', (s) => millis(`${s}.revoked_at`), instant],
  ['revokeReason', (s) => `${s}.revoke_reason`],
  ['supersedesId', (s) => `${s}.supersedes_id`],
];

const ENROLLMENT_COLUMNS: [string, (e: string) => string, Decode?][] = [
  ['id', (e) => `${e}.id`],
  ['personId', (e) => `${e}.person_id`],
  ['year', (e) => `${e}.year`],
  ['scheme', (e) => `${e}.scheme`],
  ['status', (e) => `${e}.status`],
  ['personalContribution', (e) => `${e}.personal_contribution::text`],
  ['subsidyAmount', (e) => `${e}.subsidy_amount::text`],
  ['subsidyCategory', (e) => `${e}.subsidy_category`],
  ['ruleSet', (e) => `${e}.rule_set`],
];

const BENEFIT_COLUMNS: [string, (b: string) => string, Decode?][] = [
  ['id', (b) => `${b}.id`],
  ['claimId', (b) => `${b}.claim_id`],
  ['personId', (b) => `${b}.person_id`],
  ['serviceDate', (b) => days(`${b}.service_date`), day],
  ['visitType', (b) => `${b}.visit_type`],
  ['referral', (b) => `${b}.referral`],
  ['inProvince', (b) => `${b}.in_province`],
  ['diagnosis', (b) => `${b}.diagnosis`],
  ...(['totalCost', 'inPolicyCost', 'basicPaid', 'criticalPaid', 'otherPaid', 'assistancePaid', 'tiltPaid', 'outOfPocket'] as const).map(
    (name): [string, (b: string) => string] => [name, (b) => `${b}.${snake(name)}::text`],
  ),
  ['ruleSet', (b) => `${b}.rule_set`],
  ['category', (b) => `${b}.category`],
  ['kind', (b) => `${b}.kind`],
  ['providerBorne', (b) => `${b}.provider_borne::text`],
  ['explanation', (b) => `${b}.explanation`],
  ['reason', (b) => `${b}.reason`],
  ['supplementsId', (b) => `${b}.supplements_id`],
  ['certificationId', (b) => `${b}.certification_id`],
];

const BURDEN_SUMS = ['totalCost', 'basicPaid', 'criticalPaid', 'otherPaid', 'assistancePaid', 'tiltPaid', 'outOfPocket'] as const;
const BURDEN_FIELDS = new Set([...BURDEN_SUMS, 'year', 'visits', 'charityPaid', 'commercialPaid', 'remaining', '__typename']);

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `json_build_object` of `columns` for alias `a`, and the decoder of the objects it builds. */
function objectOf(columns: [string, (a: string) => string, Decode?][], a: string): { sql: string; decode: (json: unknown) => unknown } {
  const sql = `json_build_object(${columns.map(([key, column]) => `'${key}', ${column(a)}`).join(', ')})`;
  const decoded = columns.filter((c): c is [string, (a: string) => string, Decode] => c[2] !== undefined);
  const decode = (json: unknown) => {
    const row = json as Record<string, unknown>;
    for (const [key, , dec] of decoded) row[key] = dec(row[key]);
    return row;
  };
  return { sql, decode };
}

/** Compiles one `persons` field against the agency's view (`info.schema`). */
class Compiler {
  private readonly sql = new SqlText<PlanEnv>();
  private aliases = 0;
  /** Whether a field was left to its resolver because of this request's values (not the shape's). */
  partial = false;

  constructor(
    private readonly info: GraphQLResolveInfo,
    private readonly principal: Principal,
    /** This request's environment: arguments are checked on it while compiling (a bad one is not planned). */
    private readonly env: PlanEnv,
  ) {}

  persons(request: PersonsRequest): CompiledPersons {
    const connection = this.fields(this.info.fieldNodes.map((n) => n.selectionSet));
    const personSelections: (SelectionSetNode | undefined)[] = [];
    let counts = false;
    for (const [name, nodes] of connection) {
      if (name === 'totalCount') counts = true;
      else if (name === 'edges') {
        for (const [edgeField, edgeNodes] of this.fields(nodes.map((n) => n.selectionSet))) {
          if (edgeField === 'node') personSelections.push(...edgeNodes.map((n) => n.selectionSet));
          else if (edgeField !== 'cursor' && edgeField !== '__typename') throw new Unplannable(edgeField);
        }
      } else if (name !== 'pageInfo' && name !== '__typename') throw new Unplannable(name);
    }
    const personType = this.type('Person');
    const p = this.alias('p');
    const person = this.person(personType, personSelections, p);
    const where = [this.criteria(request.criteria, p), personScopeSql(this.principal, p, this.sql)];
    if (request.page.after !== null) where.push(`${p}.id > ${this.sql.param((env) => env.request.page.after, 'uuid')}`);
    const take = this.sql.param((env) => env.request.page.take, 'int');
    const text =
      `WITH page AS (SELECT * FROM person ${p} WHERE ${where.join(' AND ')} ORDER BY ${p}.id LIMIT ${take})` +
      ` SELECT ${counts ? `(SELECT count(*) FROM person ${p} WHERE ${this.criteria(request.criteria, p)} AND ${personScopeSql(this.principal, p, this.sql)})::int` : 'NULL::int'} AS total,` +
      ` (SELECT coalesce(json_agg(${person.sql} ORDER BY ${p}.id), '[]')::text FROM page ${p}) AS rows`;
    return { sql: this.sql, text, counts, decodePerson: person.decode as (json: Record<string, unknown>) => Person };
  }

  /** The filter of `persons`, on the person alias `p`. */
  private criteria(criteria: PersonCriteria, p: string): string {
    const conditions = ['true'];
    if (criteria.regionPrefix != null) {
      conditions.push(`${p}.region_code LIKE ${this.sql.param((env) => likePrefix(env.request.criteria.regionPrefix!), 'text')}`);
    }
    if (criteria.category != null || criteria.activeOn != null) {
      const s = this.alias('s');
      const status = [`${s}.person_id = ${p}.id`];
      if (criteria.category != null) {
        status.push(`${s}.category::text = ${this.sql.param((env) => env.request.criteria.category, 'text')}`);
      }
      if (criteria.activeOn != null) {
        status.push(
          activeOnSql(
            s,
            this.sql.param((env) => formatDate(env.request.criteria.activeOn!), 'date'),
          ),
        );
      }
      conditions.push(`EXISTS (SELECT 1 FROM household_status ${s} WHERE ${status.join(' AND ')})`);
    }
    return conditions.join(' AND ');
  }

  /** A person's JSON (alias `p`) with every relation the selections ask for that the planner knows. */
  private person(type: GraphQLObjectType, selections: readonly (SelectionSetNode | undefined)[], p: string): PlannedField {
    const relations: PlannedField[] = [];
    for (const [key, nodes] of this.fields(selections)) {
      const node = nodes[0]!;
      const name = node.name.value;
      if (PERSON_FIELDS.has(name)) continue;
      const field = type.getFields()[name];
      if (!field) continue;
      let planned: PlannedField | null;
      try {
        planned = this.relation(name, key, field, nodes, p);
      } catch (error) {
        if (error instanceof Unplannable) throw error;
        // An argument this request gives wrongly (a bad cursor, a year out of range): the resolver reports it at its path.
        this.partial = true;
        planned = null;
      }
      if (planned) relations.push(planned);
    }
    const sql = `json_build_object(${personColumns(p)}${relations.map((r) => `, '@${r.key}', ${r.sql}`).join('')})`;
    const decode = (json: unknown) => {
      const row = json as Record<string, unknown>;
      row.birthDate = day(row.birthDate);
      row.createdAt = instant(row.createdAt);
      row.updatedAt = instant(row.updatedAt);
      const planned: Record<string, unknown> = {};
      for (const relation of relations) {
        planned[relation.key] = relation.decode(row[`@${relation.key}`]);
        delete row[`@${relation.key}`];
      }
      return attachPlanned(row, planned);
    };
    return { key: '', sql, decode };
  }

  /** One relation of a person, planned; null when the planner leaves it to its resolver. */
  private relation(name: string, key: string, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], p: string): PlannedField | null {
    const args = this.args(field, nodes[0]!);
    const selections = nodes.map((n) => n.selectionSet);
    switch (name) {
      case 'household':
        return this.household(key, selections, p);
      case 'statuses': {
        if (!this.only(selections, STATUS_COLUMNS)) return null;
        const s = this.alias('s');
        const conditions = [`${s}.person_id = ${p}.id`];
        if (args(this.env).activeOn != null) {
          conditions.push(
            activeOnSql(
              s,
              this.sql.param((env) => formatDate(args(env).activeOn as Date), 'date'),
            ),
          );
        }
        const object = objectOf(STATUS_COLUMNS, s);
        return {
          key,
          sql: `(SELECT coalesce(json_agg(${object.sql} ORDER BY ${s}.valid_from, ${s}.id), '[]') FROM household_status ${s} WHERE ${conditions.join(' AND ')})`,
          decode: (json) => (json as unknown[]).map(object.decode),
        };
      }
      case 'enrollments': {
        if (!this.only(selections, ENROLLMENT_COLUMNS)) return null;
        const e = this.alias('e');
        const conditions = [`${e}.person_id = ${p}.id`];
        if (args(this.env).year != null)
          conditions.push(`${e}.year = ${this.sql.param((env) => requireYear(args(env).year as number), 'int')}`);
        const object = objectOf(ENROLLMENT_COLUMNS, e);
        return {
          key,
          sql: `(SELECT coalesce(json_agg(${object.sql} ORDER BY ${e}.year DESC, ${e}.scheme), '[]') FROM enrollment ${e} WHERE ${conditions.join(' AND ')})`,
          decode: (json) => (json as unknown[]).map(object.decode),
        };
      }
      case 'benefits':
        return this.benefits(key, selections, args, p);
      case 'burden': {
        if (!this.onlyNames(selections, BURDEN_FIELDS)) return null;
        return this.burden(key, args, p);
      }
      default:
        return null;
    }
  }

  private household(key: string, selections: (SelectionSetNode | undefined)[], p: string): PlannedField {
    const h = this.alias('h');
    const members: PlannedField[] = [];
    for (const [memberKey, nodes] of this.fields(selections)) {
      if (nodes[0]!.name.value !== 'members') continue;
      const m = this.alias('m');
      const person = this.person(
        this.type('Person'),
        nodes.map((n) => n.selectionSet),
        m,
      );
      // The members the caller may see, as membersByHousehold reads them: in its row scope, in id order.
      members.push({
        key: memberKey,
        sql: `(SELECT coalesce(json_agg(${person.sql} ORDER BY ${m}.id), '[]') FROM person ${m} WHERE ${m}.household_id = ${h}.id AND ${personScopeSql(this.principal, m, this.sql)})`,
        decode: (json) => (json as unknown[]).map(person.decode),
      });
    }
    // The person is in the caller's scope and a member: the household has a member in scope, as householdById asks.
    return {
      key,
      sql: `(SELECT json_build_object('id', ${h}.id, 'regionCode', ${h}.region_code${members.map((r) => `, '@${r.key}', ${r.sql}`).join('')}) FROM household ${h} WHERE ${h}.id = ${p}.household_id)`,
      decode: (json) => {
        if (json == null) return null;
        const row = json as Record<string, unknown>;
        const planned: Record<string, unknown> = {};
        for (const r of members) {
          planned[r.key] = r.decode(row[`@${r.key}`]);
          delete row[`@${r.key}`];
        }
        return attachPlanned(row, planned);
      },
    };
  }

  private benefits(
    key: string,
    selections: (SelectionSetNode | undefined)[],
    args: (env: PlanEnv) => Record<string, unknown>,
    p: string,
  ): PlannedField | null {
    let counts = false;
    const nodes: (SelectionSetNode | undefined)[] = [];
    for (const fieldNodes of this.fields(selections).values()) {
      const field = fieldNodes[0]!.name.value;
      if (field === 'totalCount') counts = true;
      else if (field === 'edges') {
        for (const [, edgeNodes] of this.fields(fieldNodes.map((n) => n.selectionSet))) {
          const edgeField = edgeNodes[0]!.name.value;
          if (edgeField === 'node') nodes.push(...edgeNodes.map((n) => n.selectionSet));
          else if (edgeField !== 'cursor' && edgeField !== '__typename') return null;
        }
      } else if (field !== 'pageInfo' && field !== '__typename') return null;
    }
    const selected = new Set([...this.fields(nodes).values()].map((n) => n[0]!.name.value));
    if ([...selected].some((f) => f !== '__typename' && !BENEFIT_COLUMNS.some(([k]) => k === f))) return null;
    const request = (env: PlanEnv) => BENEFITS.request(args(env).first as number | null, args(env).after as string | null);
    const now = request(this.env);
    const b = this.alias('b');
    const year = args(this.env).year != null ? this.sql.param((env) => requireYear(args(env).year as number), 'int') : null;
    const conditions = [`${b}.person_id = ${p}.id`, ...(year ? [`${b}.year = ${year}`] : [])];
    const countConditions = [...conditions];
    if (now.after !== null) {
      const after = this.sql.param((env) => request(env).after, 'uuid');
      conditions.push(`(${b}.service_date, ${b}.id) < (SELECT service_date, id FROM benefit_record WHERE id = ${after})`);
    }
    const take = this.sql.param((env) => request(env).take, 'int');
    // Only the columns asked for (and the keys): explanations are large.
    const columns = BENEFIT_COLUMNS.filter(([k]) => selected.has(k) || k === 'id' || k === 'personId' || k === 'serviceDate');
    const object = objectOf(columns, 'r');
    const total = counts ? `(SELECT count(*) FROM benefit_record ${b} WHERE ${countConditions.join(' AND ')})` : '0';
    return {
      key,
      sql:
        `json_build_object('total', ${total}, 'rows', (SELECT coalesce(json_agg(${object.sql} ORDER BY r.service_date DESC, r.id DESC), '[]')` +
        ` FROM (SELECT * FROM benefit_record ${b} WHERE ${conditions.join(' AND ')} ORDER BY ${b}.service_date DESC, ${b}.id DESC LIMIT ${take}) r))`,
      decode: (json) => {
        const { total: totalCount, rows } = json as { total: number; rows: unknown[] };
        return { rows: rows.map(object.decode) as BenefitRow[], totalCount };
      },
    };
  }

  private burden(key: string, args: (env: PlanEnv) => Record<string, unknown>, p: string): PlannedField {
    const year = this.sql.param((env) => requireYear(args(env).year as number), 'int');
    const v = this.alias('v');
    const yearStart = `make_date(${year}, 1, 1)`;
    const sums = BURDEN_SUMS.map((name) => `'${name}', coalesce(sum(${v}.${snake(name)}), 0)::text`).join(', ');
    // As burdenByPersonIds: the visits' sums of the year, and the partners' payments by the day they paid.
    const paid = (table: string) =>
      `(SELECT coalesce(sum(x.amount), 0)::text FROM ${table} x WHERE x.person_id = ${p}.id AND x.paid_on >= ${yearStart} AND x.paid_on < ${yearStart} + interval '1 year')`;
    return {
      key,
      sql:
        `(SELECT json_build_object('visits', (count(*) FILTER (WHERE ${v}.kind = 'SETTLEMENT') - count(*) FILTER (WHERE ${v}.kind = 'REVERSAL' AND ${v}.supplements_id IS NULL))::int, ` +
        `'any', count(*) > 0, ${sums}, 'charityPaid', ${paid('charity_aid')}, 'commercialPaid', ${paid('commercial_claim')})` +
        ` FROM benefit_record ${v} WHERE ${v}.person_id = ${p}.id AND ${v}.year = ${year})`,
      decode: (json) => {
        const row = json as Record<string, unknown>;
        // burdenByPersonIds leaves out a person with no visit and no payment in the year (the resolver gives zeros).
        if (!row.any && row.charityPaid === '0' && row.commercialPaid === '0') return null;
        const burden: Record<string, unknown> = { personId: null, visits: row.visits };
        for (const name of [...BURDEN_SUMS, 'charityPaid', 'commercialPaid']) burden[name] = new Money(row[name] as string);
        return burden as unknown as BurdenRow;
      },
    };
  }

  /** The field's arguments for an environment (checked by its scalars as graphql-js does), once per request. */
  private args(field: GraphQLField<unknown, unknown>, node: FieldNode): (env: PlanEnv) => Record<string, unknown> {
    return (env) => {
      let values = env.args.get(node);
      if (!values) env.args.set(node, (values = getArgumentValues(field, node, env.variables)));
      return values;
    };
  }

  /** Whether the selections ask only for fields in `columns` (or `__typename`). */
  private only(selections: readonly (SelectionSetNode | undefined)[], columns: [string, unknown, unknown?][]): boolean {
    return this.onlyNames(selections, new Set([...columns.map(([k]) => k), '__typename']));
  }

  private onlyNames(selections: readonly (SelectionSetNode | undefined)[], names: ReadonlySet<string>): boolean {
    return [...this.fields(selections).values()].every((nodes) => names.has(nodes[0]!.name.value));
  }

  /** The fields of selection sets by response key, fragments expanded; directives are not planned. */
  private fields(selections: readonly (SelectionSetNode | undefined)[]): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const visit = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (selection.directives?.length) throw new Unplannable('directive');
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
        else {
          const fragment = this.info.fragments[selection.name.value];
          if (!fragment || fragment.directives?.length) throw new Unplannable('fragment');
          visit(fragment.selectionSet);
        }
      }
    };
    for (const set of selections) visit(set);
    return fields;
  }

  private type(name: string): GraphQLObjectType {
    const type = this.info.schema.getType(name);
    if (!type || !isObjectType(getNamedType(type))) throw new Unplannable(name);
    return type as GraphQLObjectType;
  }

  private alias(prefix: string): string {
    this.aliases += 1;
    return `${prefix}${this.aliases}`;
  }
}
