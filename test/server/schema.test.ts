import { readFile } from 'node:fs/promises';
import type { GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildHubSchema, emittedFiles, SCHEMA_FILE } from '../../src/server/schema.js';

describe('the committed SDL', () => {
  it('is what the code emits, as are the agency views and the access matrix (run `npm run schema` after a change)', async () => {
    const files = emittedFiles(await buildHubSchema());
    expect(Object.keys(files)).toContain(SCHEMA_FILE);
    for (const [file, content] of Object.entries(files)) {
      expect(await readFile(file, 'utf8').catch(() => `missing: ${file}`), file).toBe(content);
    }
  });

  it('keeps the names of the public contract', async () => {
    const schema = await buildHubSchema();
    const signature = (typeName: string, field: string) => {
      const type = schema.getType(typeName) as GraphQLObjectType;
      const f = type.getFields()[field]!;
      const args = f.args.map((a) => `${a.name}: ${a.type.toString()}`).join(', ');
      return `${field}${args ? `(${args})` : ''}: ${f.type.toString()}`;
    };
    expect(signature('Query', 'person')).toBe('person(id: ID, idNumber: String): Person');
    expect(signature('Query', 'persons')).toBe('persons(filter: PersonFilter, first: Int, after: String): PersonConnection!');
    expect(signature('Query', 'household')).toBe('household(id: ID!): Household');
    expect(signature('Person', 'statuses')).toBe('statuses(activeOn: Date): [HouseholdStatus!]');
    expect(signature('Person', 'enrollments')).toBe('enrollments(year: Int): [Enrollment!]');
    expect(signature('Person', 'benefits')).toBe('benefits(year: Int, first: Int, after: String): BenefitConnection');
    expect(signature('Person', 'burden')).toBe('burden(year: Int!): Burden');
    expect(signature('Household', 'members')).toBe('members: [Person!]!');
  });
});
