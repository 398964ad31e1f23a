import { isInputObjectType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FIELD_POLICY, STRUCTURAL_TYPES, TYPE_POLICY } from '../../src/auth/access-policy.js';
import { buildHubSchema } from '../../src/server/schema.js';

describe('the access policy', () => {
  it('names every field of the schema, and only fields that exist', async () => {
    const schema = await buildHubSchema();
    const coordinates: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(isObjectType(type) || isInputObjectType(type)) || type.name.startsWith('__') || STRUCTURAL_TYPES.includes(type.name)) continue;
      if (TYPE_POLICY[type.name]) continue;
      coordinates.push(...Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
    }
    expect(Object.keys(FIELD_POLICY).sort()).toEqual(coordinates.sort());
    for (const name of Object.keys(TYPE_POLICY)) expect(schema.getType(name), name).toBeDefined();
  });
});
