import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../../src/shared/id-number.js';
import { createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let insurance: { clientId: string; token: string };
let civil: { clientId: string; token: string };

const REGISTER = `mutation ($input: PersonInput!) { registerPerson(input: $input) { id idNumber name gender birthDate regionCode household { id members { id } } } }`;
const UPDATE = `mutation ($id: ID!, $input: PersonUpdateInput!) { updatePerson(id: $id, input: $input) { id phone residence changes { field before after } } }`;
const MOVE = `mutation ($id: ID!, $hid: ID) { movePerson(id: $id, householdId: $hid) { id household { id } changes { field before after } } }`;

const person = (sequence: number, extra: Record<string, unknown> = {}) => ({
  idNumber: makeIdNumber('620702', '1980-05-17', sequence),
  name: '李登记',
  gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE',
  birthDate: '1980-05-17',
  residence: 'RURAL',
  regionCode: '620702',
  phone: '13900001111',
  ...extra,
});

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '6207');
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
});

afterAll(() => hub.close());

const register = (input: Record<string, unknown>, token = insurance.token) => hub.requestText(REGISTER, { input }, { token });

describe('registerPerson', () => {
  it('registers a person in a new household, and a second one into that household', async () => {
    const first = await register(person(11));
    expect(first.errors).toBeUndefined();
    const created = first.data!.registerPerson as { id: string; household: { id: string } };
    expect(created).toMatchObject({ name: '李登记', gender: 'MALE', birthDate: '1980-05-17', regionCode: '620702' });
    const second = await register(person(12, { householdId: created.household.id }));
    const members = (second.data!.registerPerson as { household: { members: { id: string }[] } }).household.members;
    expect(members).toHaveLength(2);
  });

  it('refuses a duplicate ID number as a CONFLICT that names nothing of the person', async () => {
    await register(person(21));
    const again = await register(person(21, { name: '王冒名' }));
    expect(again.errors![0]).toEqual({
      message: 'a person with this ID number is already registered',
      path: ['registerPerson'],
      locations: expect.any(Array),
      extensions: { code: 'CONFLICT', argument: 'input.idNumber' },
    });
    expect(await hub.db.person.count({ where: { name: '王冒名' } })).toBe(0);
  });

  it('refuses an ID number that disagrees with birth date, gender or region, or is invalid, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [person(31, { birthDate: '1980-05-18' }), 'input.birthDate'],
      [person(31, { gender: 'FEMALE' }), 'input.gender'],
      [person(31, { regionCode: '620721' }), 'input.regionCode'],
      [person(31, { idNumber: `${makeIdNumber('620702', '1980-05-17', 31).slice(0, 17)}0` }), 'input.idNumber'],
      [person(31, { regionCode: '330402' }), 'input.regionCode'],
      [person(31, { phone: 'call me' }), 'input.phone'],
      [person(31, { name: '' }), 'input.name'],
    ];
    for (const [input, argument] of cases) {
      const result = await register(input);
      expect(result.errors![0]!.extensions, argument).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
    expect(await hub.db.person.count({ where: { idNumber: makeIdNumber('620702', '1980-05-17', 31) } })).toBe(0);
  });

  it('answers NOT_FOUND for a household outside the jurisdiction, and is absent for civil affairs', async () => {
    const theirs = await createHousehold(hub.db, '330402', 1);
    const result = await register(person(41, { householdId: theirs.household.id }));
    expect(result.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', argument: 'input.householdId' });
    const byCivil = await register(person(42), civil.token);
    expect(byCivil.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('updatePerson and movePerson', () => {
  it('keeps each changed contact and residence field, and each household move, as history', async () => {
    const created = (await register(person(51))).data!.registerPerson as { id: string; household: { id: string } };
    const updated = await hub.requestText(
      UPDATE,
      { id: created.id, input: { phone: '13900002222', residence: 'URBAN' } },
      { token: insurance.token },
    );
    expect(updated.data!.updatePerson).toMatchObject({
      phone: '13900002222',
      residence: 'URBAN',
      changes: [
        { field: 'phone', before: '13900001111', after: '13900002222' },
        { field: 'residence', before: 'RURAL', after: 'URBAN' },
      ],
    });
    const target = await createHousehold(hub.db, '620702', 1);
    const moved = await hub.requestText(MOVE, { id: created.id, hid: target.household.id }, { token: insurance.token });
    expect(moved.data!.movePerson).toMatchObject({
      household: { id: target.household.id },
      changes: expect.arrayContaining([{ field: 'householdId', before: created.household.id, after: target.household.id }]),
    });
    const alone = await hub.requestText(MOVE, { id: created.id }, { token: insurance.token });
    expect((alone.data!.movePerson as { household: { id: string } }).household.id).not.toBe(target.household.id);
  });

  it('answers NOT_FOUND for a person outside the writer’s rows and refuses a region outside its jurisdiction', async () => {
    const outsider = (await createHousehold(hub.db, '330402', 1)).members[0]!;
    const result = await hub.requestText(UPDATE, { id: outsider.id, input: { phone: '13900003333' } }, { token: insurance.token });
    expect(result.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', argument: 'id' });
    const own = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    const away = await hub.requestText(UPDATE, { id: own.id, input: { regionCode: '330402' } }, { token: insurance.token });
    expect(away.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.regionCode' });
    expect(await hub.db.personChange.count({ where: { personId: { in: [outsider.id, own.id] } } })).toBe(0);
  });
});
