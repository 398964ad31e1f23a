import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, AGENCY_PURPOSES, FIELD_POLICY, ROW_SCOPE, type RowScope } from '../../src/auth/access-policy.js';
import { MASKS } from '../../src/auth/masking.js';
import { limitsOf } from '../../src/auth/limits-policy.js';
import { agencyView } from '../../src/auth/schema-views.js';
import type { Agency } from '../../src/generated/prisma/enums.js';
import { buildHubSchema } from '../../src/server/schema.js';
import { makeIdNumber, parseIdNumber } from '../../src/shared/id-number.js';
import { day } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { consent, refer } from './access.fixture.js';

/**
 * Masks that stay masks (issue #10, domain.md §2): for every agency that sees
 * a field coordinate masked, as the policy data says, nothing else that agency
 * can ask rebuilds the value. The cases are generated from FIELD_POLICY: a new
 * masked coordinate, or a new agency seeing one masked, is tested without a
 * line here, except its rebuild model (REBUILDERS), whose absence fails.
 */

/** Every (agency, coordinate) the policy masks. */
const MASKED = Object.entries(FIELD_POLICY).flatMap(([coordinate, grants]) =>
  AGENCIES.filter((agency) => grants[agency] === 'masked').map((agency) => ({ agency, coordinate })),
);

type Row = Record<string, unknown>;

/**
 * How many values stay consistent with a masked value and everything else the
 * agency sees of the same object (a lower bound): the attacker's best guess list.
 */
type Rebuilder = (masked: string, seen: Row, full: string) => number;

/** Hidden characters of a masked value: the starred positions. */
const hiddenPositions = (masked: string) => [...masked].flatMap((c, i) => (c === '*' ? [i] : []));

/**
 * An ID number's hidden digits against what the agency sees: every candidate
 * must fit the mask, be a valid number (check character), and agree on every
 * fact the number encodes (region, birth date, gender) with the field of that
 * name when the agency sees it. A birth date it does not see is taken as the
 * true one (so the count is a lower bound: every other date adds candidates).
 */
function rebuildIdNumber(masked: string, seen: Row, full: string): number {
  const facts = parseIdNumber(full);
  if (!facts.ok) throw new Error(`test data: ${full} ${facts.reason}`);
  const birth = typeof seen.birthDate === 'string' ? seen.birthDate : facts.facts.birthDate;
  const region = typeof seen.regionCode === 'string' ? seen.regionCode : full.slice(0, 6);
  let count = 0;
  for (let sequence = 0; sequence < 1000; sequence += 1) {
    const candidate = makeIdNumber(region, birth, sequence);
    if (![...masked].every((c, i) => c === '*' || c === candidate[i])) continue;
    const parsed = parseIdNumber(candidate);
    if (!parsed.ok) continue;
    const agrees = Object.entries(parsed.facts).every(
      ([fact, value]) => seen[fact] === undefined || seen[fact] === null || seen[fact] === value,
    );
    if (agrees) count += 1;
  }
  return count;
}

/**
 * A name's hidden characters: nothing the agency sees may contain them (a
 * field repeating the given name, a pinyin, …); otherwise one of some 500
 * given-name characters per hidden one.
 */
function rebuildName(masked: string, seen: Row, full: string): number {
  const hidden = hiddenPositions(masked)
    .map((i) => [...full][i])
    .join('');
  const others = Object.entries(seen).filter(([field]) => field !== 'name');
  if (others.some(([, value]) => typeof value === 'string' && hidden.length > 0 && value.includes(hidden))) return 1;
  return 500 ** hiddenPositions(masked).length;
}

/** The rebuild model of each maskable coordinate: a coordinate masked without one fails its cases. */
const REBUILDERS: Readonly<Record<string, Rebuilder>> = {
  'Person.idNumber': rebuildIdNumber,
  'Person.name': rebuildName,
};

/** The stored values of a masked coordinate, by the object's id. */
const FULL_VALUES: Readonly<Record<string, (person: TestPerson) => string>> = {
  'Person.idNumber': (p) => p.idNumber,
  'Person.name': (p) => p.name,
};

interface TestPerson {
  id: string;
  idNumber: string;
  name: string;
}

let hub: TestHub;
let schema: GraphQLSchema;
let persons: TestPerson[];
let issuer: { clientId: string };

// Created in an order that sorts neither by ID number nor by name, so that an answer sorted by either shows.
const PEOPLE = [
  { name: '欧阳娜娜', birth: '1971-03-09', sequence: 517, gender: 'MALE' },
  { name: '张伟', birth: '1958-12-30', sequence: 208, gender: 'FEMALE' },
  { name: '王小明', birth: '1990-07-01', sequence: 33, gender: 'MALE' },
  { name: '李秀英', birth: '1962-05-10', sequence: 764, gender: 'FEMALE' },
  { name: '司马光明', birth: '1984-10-21', sequence: 951, gender: 'MALE' },
  { name: '赵敏', birth: '1949-02-14', sequence: 122, gender: 'FEMALE' },
  { name: '陈建国', birth: '2001-11-05', sequence: 389, gender: 'MALE' },
  { name: '刘芳', birth: '1977-06-18', sequence: 646, gender: 'FEMALE' },
] as const;

beforeAll(async () => {
  hub = await startTestHub();
  schema = await buildHubSchema(hub.pubSub);
  issuer = await hub.client('MEDICAL_INSURANCE', '6207');
  const household = await hub.db.household.create({ data: { regionCode: '620702' } });
  persons = [];
  for (const p of PEOPLE) {
    // The sequence's parity carries the gender (GB 11643).
    const sequence = p.gender === 'MALE' ? p.sequence | 1 : p.sequence & ~1;
    const created = await hub.db.person.create({
      data: {
        idNumber: makeIdNumber('620702', p.birth, sequence),
        name: p.name,
        gender: p.gender,
        birthDate: day(p.birth),
        residence: 'RURAL',
        regionCode: '620702',
        phone: `1390000${String(sequence).padStart(4, '0')}`,
        householdId: household.id,
      },
    });
    persons.push({ id: created.id, idNumber: created.idNumber, name: created.name });
  }
});

afterAll(() => hub.close());

/** A client of `agency` in Zhangye that has every test person in its rows. */
async function clientWithRows(agency: Agency) {
  const client = await hub.client(agency, '6207');
  const scope: RowScope = ROW_SCOPE[agency];
  switch (scope) {
    case 'JURISDICTION':
    case 'JURISDICTION_RURAL':
      break;
    case 'JURISDICTION_MONITORED':
      for (const p of persons) {
        await hub.db.householdStatus.create({
          data: { personId: p.id, category: 'EXTREME_POVERTY', certifiedBy: 'CIVIL_AFFAIRS', validFrom: day('2020-01-01') },
        });
      }
      break;
    case 'REFERRED':
      for (const p of persons) await refer(hub.db, p.id, client.clientId, issuer.clientId);
      break;
    case 'CONSENTED':
      for (const p of persons) await consent(hub.db, p.id, client.clientId, issuer.clientId);
      break;
    case 'NONE':
      throw new Error(`${agency} has no rows, yet sees a masked field`);
  }
  return client;
}

// ---- The agency's schema view, walked: every path to the masked field's type, every argument.

const typeName = (coordinate: string) => coordinate.slice(0, coordinate.indexOf('.'));
const fieldName = (coordinate: string) => coordinate.slice(coordinate.indexOf('.') + 1);

/** The scalar fields of `type` the view has, taking no required argument: what a read can select. */
function scalarSelection(type: GraphQLObjectType): string[] {
  return Object.values(type.getFields())
    .filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)))
    .map((f) => f.name);
}

interface Path {
  /** The query text selecting the target type's scalars wherever the path reaches it. */
  query: string;
  /** Field coordinates along the path, for messages. */
  via: string;
}

/**
 * Every query path of the view (depth ≤ 4, each field's required arguments
 * fillable) that reaches `target`: root fields and the fields under them.
 */
function pathsTo(view: GraphQLSchema, target: string, personId: string): Path[] {
  const targetType = view.getType(target);
  if (!targetType || !isObjectType(targetType)) return [];
  const leaf = `{ ${scalarSelection(targetType).join(' ')} }`;
  const found: Path[] = [];
  const walk = (type: GraphQLObjectType, depth: number, build: (inner: string) => string, via: string[]) => {
    for (const field of Object.values(type.getFields())) {
      const args = fillArguments(field, personId);
      if (args === null) continue;
      const named = getNamedType(field.type);
      if (!isObjectType(named)) continue;
      const here = (inner: string) => build(`${field.name}${args} ${inner}`);
      const coordinates = [...via, `${type.name}.${field.name}`];
      if (named.name === target) found.push({ query: here(leaf), via: coordinates.join(' → ') });
      else if (depth < 4) walk(named, depth + 1, (inner) => here(`{ ${inner} }`), coordinates);
    }
  };
  const query = view.getQueryType();
  if (query) walk(query, 1, (inner) => `{ ${inner} }`, []);
  return found;
}

/** Arguments for a read along a path: ids are the test person's, pages the largest; null when one is required and unknown. */
function fillArguments(field: GraphQLField<unknown, unknown>, personId: string): string | null {
  const given: string[] = [];
  for (const arg of field.args) {
    if (arg.name === 'id' && getNamedType(arg.type).name === 'ID') given.push(`id: ${JSON.stringify(personId)}`);
    else if (arg.name === 'first') given.push('first: 20');
    else if (isNonNullType(arg.type)) {
      const value = sample(arg.type, null);
      if (value === null) return null;
      given.push(`${arg.name}: ${value}`);
    }
  }
  return given.length ? `(${given.join(', ')})` : '';
}

/** A literal of `type` for a required argument; `probe` for its String parts. Null when none can be made. */
function sample(type: GraphQLInputType, probe: string | null): string | null {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = sample(inner.ofType, probe);
    return item === null ? null : `[${item}]`;
  }
  const named: GraphQLNamedType = getNamedType(inner);
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (isInputObjectType(named)) {
    const parts: string[] = [];
    for (const f of Object.values(named.getFields())) {
      if (!isNonNullType(f.type)) continue;
      const value = sample(f.type, probe);
      if (value === null) return null;
      parts.push(`${f.name}: ${value}`);
    }
    return `{ ${parts.join(', ')} }`;
  }
  if (isScalarType(named)) {
    switch (named.name) {
      case 'String':
        return JSON.stringify(probe ?? 'x');
      case 'Int':
        return '10';
      case 'Boolean':
        return 'true';
      case 'Date':
        return '"2024-06-01"';
      case 'Decimal':
        return '"1.00"';
      default:
        return null;
    }
  }
  return null;
}

/** A String argument of a root field, or a String field of an input object it takes. */
interface StringArgument {
  operation: 'query' | 'mutation';
  root: GraphQLField<unknown, unknown>;
  arg: GraphQLArgument;
  inputField?: string;
}

/** Every String argument of the view's root query fields (and, with `mutations`, root mutation fields), or String field of their input objects. */
function stringArguments(view: GraphQLSchema, mutations = false): StringArgument[] {
  const found: StringArgument[] = [];
  const roots = [['query', view.getQueryType()] as const, ...(mutations ? [['mutation', view.getMutationType()] as const] : [])];
  for (const [operation, type] of roots) {
    for (const root of Object.values(type?.getFields() ?? {})) {
      for (const arg of root.args) {
        const named = getNamedType(arg.type);
        if (named.name === 'String' || named.name === 'ID') found.push({ operation, root, arg });
        else if (isInputObjectType(named)) {
          for (const f of Object.values(named.getFields())) {
            if (getNamedType(f.type).name === 'String') found.push({ operation, root, arg, inputField: f.name });
          }
        }
      }
    }
  }
  return found;
}

/**
 * An operation on one root field with one String argument (or input field) set
 * to `value`, the other required ones to samples, selecting scalars and a page.
 */
function probeQuery(entry: StringArgument, value: string): string | null {
  const parts: string[] = [];
  for (const arg of entry.root.args) {
    if (arg === entry.arg && !entry.inputField) parts.push(`${arg.name}: ${JSON.stringify(value)}`);
    else if (arg === entry.arg) {
      const input = getNamedType(arg.type);
      if (!isInputObjectType(input)) return null;
      const fields = [`${entry.inputField}: ${JSON.stringify(value)}`];
      for (const f of Object.values(input.getFields())) {
        if (f.name === entry.inputField || !isNonNullType(f.type)) continue;
        const literal = sample(f.type, null);
        if (literal === null) return null;
        fields.push(`${f.name}: ${literal}`);
      }
      parts.push(`${arg.name}: { ${fields.join(', ')} }`);
    } else if (isNonNullType(arg.type)) {
      const literal = sample(arg.type, null);
      if (literal === null) return null;
      parts.push(`${arg.name}: ${literal}`);
    }
  }
  const named = getNamedType(entry.root.type);
  let selection = '';
  if (isObjectType(named)) {
    const fields = named.getFields();
    const scalars = scalarSelection(named);
    const edges = fields.edges ? getNamedType(fields.edges.type) : undefined;
    const node = edges && isObjectType(edges) ? edges.getFields().node : undefined;
    const nodeType = node ? getNamedType(node.type) : undefined;
    const page = nodeType && isObjectType(nodeType) ? ` edges { cursor node { ${scalarSelection(nodeType).join(' ')} } }` : '';
    selection = `{ __typename ${scalars.join(' ')}${page} }`;
  }
  return `${entry.operation} { ${entry.root.name}${parts.length ? `(${parts.join(', ')})` : ''} ${selection} }`;
}

/** Every object of the answer that has an `id` of a test person, with what was selected of it. */
function objectsIn(data: unknown, ids: ReadonlySet<string>, into: Row[] = []): Row[] {
  if (Array.isArray(data)) for (const item of data) objectsIn(item, ids, into);
  else if (data && typeof data === 'object') {
    const row = data as Row;
    if (typeof row.id === 'string' && ids.has(row.id)) into.push(row);
    for (const value of Object.values(row)) objectsIn(value, ids, into);
  }
  return into;
}

/** One character other than `c` of the same kind (a digit for a digit), so a wrong guess keeps its shape. */
const otherCharacter = (c: string) => (/\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'X' ? '0' : '某');

describe('masks that stay masks: every masked coordinate of every agency, from the policy data', () => {
  it('finds the masked coordinates in the policy, each with a mask and a rebuild model', () => {
    expect(MASKED.length).toBeGreaterThan(0);
    for (const { agency, coordinate } of MASKED) {
      expect(MASKS[coordinate], `mask of ${coordinate} (${agency})`).toBeTypeOf('function');
      expect(REBUILDERS[coordinate], `rebuild model of ${coordinate}: add one to this test`).toBeTypeOf('function');
      expect(FULL_VALUES[coordinate], `stored value of ${coordinate}: add one to this test`).toBeTypeOf('function');
    }
  });

  describe.each(MASKED)('$agency sees $coordinate masked', ({ agency, coordinate }) => {
    const purpose = AGENCY_PURPOSES[agency][0] ?? null;
    const field = fieldName(coordinate);
    const full = (id: string) => FULL_VALUES[coordinate]!(persons.find((p) => p.id === id)!);

    it('gets the mask on every path of its view that reaches the field, and what else it sees there leaves many candidates', async () => {
      const client = await clientWithRows(agency);
      const view = agencyView(schema, agency);
      const quota = limitsOf(agency).missedIdLookups;
      const ids = new Set(persons.map((p) => p.id));
      const paths = pathsTo(view, typeName(coordinate), persons[0]!.id);
      expect(paths.length, 'paths to the type').toBeGreaterThan(0);
      let seen = 0;
      for (const person of persons) {
        for (const path of pathsTo(view, typeName(coordinate), person.id)) {
          const answer = await hub.requestText(path.query, undefined, { token: client.token, purpose });
          for (const row of objectsIn(answer.data, ids)) {
            if (!(field in row)) continue;
            const value = full(row.id as string);
            expect(row[field], `${path.via}`).toBe(MASKS[coordinate]!(value));
            const candidates = REBUILDERS[coordinate]!(row[field] as string, row, value);
            // More candidates than a day's missed lookups can try: not even one person's value is confirmed by guessing.
            expect(candidates, `${path.via}: candidates for ${row.id as string}`).toBeGreaterThan(quota + 1);
            seen += 1;
          }
        }
      }
      expect(seen, 'masked values read').toBeGreaterThanOrEqual(persons.length);
    });

    it('gets lists in an order that is not the order of the hidden values', async () => {
      const client = await clientWithRows(agency);
      const view = agencyView(schema, agency);
      const ids = new Set(persons.map((p) => p.id));
      let lists = 0;
      for (const path of pathsTo(view, typeName(coordinate), persons[0]!.id)) {
        const answer = await hub.requestText(path.query, undefined, { token: client.token, purpose });
        const order = [...new Set(objectsIn(answer.data, ids).map((row) => row.id as string))];
        if (order.length < persons.length) continue;
        lists += 1;
        const values = order.map(full);
        const sorted = [...values].sort();
        expect(values, `${path.via} is sorted by ${coordinate}`).not.toEqual(sorted);
        expect(values, `${path.via} is sorted by ${coordinate}, descending`).not.toEqual([...sorted].reverse());
      }
      expect(lists, 'lists of all the test persons').toBeGreaterThan(0);
    });

    it('learns nothing of the hidden characters from any String argument it may pass, except through the metered lookups', async () => {
      const client = await clientWithRows(agency);
      const view = agencyView(schema, agency);
      const ids = new Set(persons.map((p) => p.id));
      const target = persons[3]!;
      const value = full(target.id);
      const masked = MASKS[coordinate]!(value);
      const firstHidden = masked.indexOf('*');
      let probes = 0;
      for (const entry of stringArguments(view)) {
        const name = entry.inputField ?? entry.arg.name;
        // Arguments that take the field's whole value are lookups: metered, tested below.
        if (name === field) continue;
        // The first hidden character, half of them, all: a filter matching on hidden characters answers the right guess otherwise.
        const total = [...value].length;
        for (const length of new Set([firstHidden + 1, Math.ceil((firstHidden + 1 + total) / 2), total])) {
          const right = [...value].slice(0, length).join('');
          const wrong = [...right].slice(0, -1).join('') + otherCharacter([...right].at(-1)!);
          const [rightQuery, wrongQuery] = [probeQuery(entry, right), probeQuery(entry, wrong)];
          if (rightQuery === null || wrongQuery === null) continue;
          const [a, b] = await Promise.all(
            [rightQuery, wrongQuery].map((q) => hub.requestText(q, undefined, { token: client.token, purpose })),
          );
          // What a guess could tell: refused or not, how, and which persons came back (an audit log grows between two reads).
          const digest = (r: typeof a) => ({
            codes: (r.errors ?? []).map((e) => e.extensions?.code),
            persons: objectsIn(r.data, ids)
              .map((row) => row.id as string)
              .sort(),
          });
          expect(digest(a), `${entry.root.name}(${name}: ${right})`).toEqual(digest(b));
          probes += 1;
        }
      }
      expect(probes, 'String arguments probed').toBeGreaterThan(0);
    });

    it('may confirm a guess through an argument taking the whole value, a read or a write, only within its quota of misses', async () => {
      const view = agencyView(schema, agency);
      // A write naming its person by the value answers NOT_FOUND or not for a guess: a lookup as well.
      const lookups = stringArguments(view, true).filter((e) => (e.inputField ?? e.arg.name) === field);
      if (lookups.length === 0) return; // No argument of this agency's view takes the value: nothing to meter.
      const client = await clientWithRows(agency);
      const quota = limitsOf(agency).missedIdLookups;
      const target = persons[5]!;
      const value = full(target.id);
      // Wrong guesses of the right shape: the same mask, other hidden characters, valid where the value has a check.
      const guesses: string[] = [];
      for (let sequence = 0; guesses.length < quota + 1 && sequence < 1000; sequence += 1) {
        const candidate =
          coordinate === 'Person.idNumber' ? makeIdNumber(value.slice(0, 6), '1980-01-01', sequence) : `${value}${sequence}`;
        if (candidate !== value) guesses.push(candidate);
      }
      const entry = lookups[0]!;
      const answers = [];
      for (const guess of guesses) {
        const query = probeQuery(entry, guess);
        expect(query).not.toBeNull();
        answers.push(await hub.requestText(query!, undefined, { token: client.token, purpose }));
      }
      const codes = answers.map((a) => a.errors?.[0]?.extensions?.code ?? null);
      expect(codes.slice(0, quota).every((c) => c !== 'QUOTA_EXCEEDED')).toBe(true);
      expect(codes[quota]).toBe('QUOTA_EXCEEDED');
      // Past the quota even the right value is refused, through every lookup of the view: no confirmation left.
      for (const other of lookups) {
        const answer = await hub.requestText(probeQuery(other, value)!, undefined, { token: client.token, purpose });
        expect(answer.errors?.[0]?.extensions?.code, `${other.operation} ${other.root.name}(${other.inputField ?? other.arg.name})`).toBe(
          'QUOTA_EXCEEDED',
        );
      }
    });
  });
});
