import { Gender, Residence } from '../../generated/prisma/enums.js';
import { checkPerson, type CheckedPerson } from '../person/person.rules.js';
import { FieldError, fieldsOf } from './import.fields.js';
import { problem, type Importer, type RowOutcome, type RowProblem } from './import.types.js';
import { uuidv7 } from '../../shared/uuid.js';

/** A registration that passed the checks, waiting for its batch. */
export interface StagedPerson {
  line: number;
  checked: CheckedPerson;
}

/** Reads and checks one row as `registerPerson`'s input (the same checks, person.rules). */
export function stagePerson(line: number, record: Record<string, unknown>, jurisdiction: string): StagedPerson | RowProblem {
  try {
    const f = fieldsOf(record);
    const birthDate = f.date('birthDate');
    if (!birthDate) throw new FieldError('birthDate', 'is required');
    const checked = checkPerson(
      {
        idNumber: f.required('idNumber'),
        name: f.required('name'),
        gender: f.oneOf('gender', Object.values(Gender)),
        birthDate,
        residence: f.oneOf('residence', Object.values(Residence)),
        regionCode: f.required('regionCode'),
        phone: f.text('phone'),
        householdId: f.text('householdId'),
      },
      jurisdiction,
    );
    if ('reason' in checked) return problem(checked.field, checked.reason);
    return { line, checked };
  } catch (error) {
    if (error instanceof FieldError) return problem(error.field, error.message);
    throw error;
  }
}

type PersonOutcome = 'NEW' | 'UNCHANGED' | 'CONFLICT' | 'NO_HOUSEHOLD';

/**
 * Registrations (`registerPerson`'s input) by medical insurance, within its
 * jurisdiction. Idempotent by ID number: the same person again is unchanged;
 * an ID number already registered with other content, or outside the
 * writer's jurisdiction, is CONFLICT naming nothing of the person (as the
 * mutation). A row without `householdId` gets a household of its own.
 */
export const PERSON_IMPORTER: Importer<StagedPerson> = {
  agencies: ['MEDICAL_INSURANCE'],
  purposes: ['ASSISTANCE_ELIGIBILITY', 'SETTLEMENT'],
  stage: (line, record, principal) => stagePerson(line, record, principal.jurisdiction),
  key: (staged) => staged.checked.idNumber,
  async store(tx, principal, batch) {
    const col = <T>(pick: (c: CheckedPerson) => T) => batch.map((row) => pick(row.checked));
    const newIds = batch.map(() => uuidv7());
    const householdIds = batch.map(() => uuidv7());
    const rows = await tx.$queryRaw<{ line: number; outcome: PersonOutcome; pid: string | null }[]>`
      WITH input AS (
        SELECT * FROM unnest(${batch.map((r) => r.line)}::int[], ${col((c) => c.idNumber)}::text[], ${col((c) => c.name)}::text[],
          ${col((c) => c.gender)}::"Gender"[], ${col((c) => c.birthDate)}::date[], ${col((c) => c.residence)}::"Residence"[],
          ${col((c) => c.regionCode)}::text[], ${col((c) => c.phone)}::text[], ${col((c) => c.householdId)}::uuid[],
          ${newIds}::uuid[], ${householdIds}::uuid[])
          AS t(line, id_number, name, gender, birth_date, residence, region_code, phone, household_id, new_id, new_household_id)
      ), classified AS (
        SELECT i.*, p.id AS existing_id,
          CASE WHEN p.id IS NOT NULL AND starts_with(p.region_code, ${principal.jurisdiction}) AND p.name = i.name AND p.gender = i.gender
              AND p.birth_date = i.birth_date AND p.residence = i.residence AND p.region_code = i.region_code
              AND p.phone IS NOT DISTINCT FROM i.phone AND (i.household_id IS NULL OR p.household_id = i.household_id) THEN 'UNCHANGED'
            WHEN p.id IS NOT NULL THEN 'CONFLICT'
            WHEN i.household_id IS NOT NULL AND h.id IS NULL THEN 'NO_HOUSEHOLD'
            ELSE 'NEW' END AS outcome
        FROM input i
        LEFT JOIN person p ON p.id_number = i.id_number
        LEFT JOIN household h ON h.id = i.household_id AND starts_with(h.region_code, ${principal.jurisdiction})
      ), households AS (
        INSERT INTO household (id, region_code)
        SELECT new_household_id, region_code FROM classified WHERE outcome = 'NEW' AND household_id IS NULL
      ), inserted AS (
        INSERT INTO person (id, id_number, name, gender, birth_date, residence, region_code, phone, household_id, updated_at)
        SELECT new_id, id_number, name, gender, birth_date, residence, region_code, phone, coalesce(household_id, new_household_id), now()
        FROM classified WHERE outcome = 'NEW'
      )
      SELECT line, outcome, CASE outcome WHEN 'NEW' THEN new_id WHEN 'UNCHANGED' THEN existing_id END AS pid
      FROM classified ORDER BY line`;
    return rows.map((row): RowOutcome => {
      if (row.outcome === 'NEW') return { line: row.line, outcome: 'STORED', personId: row.pid! };
      if (row.outcome === 'UNCHANGED') return { line: row.line, outcome: 'UNCHANGED', personId: row.pid! };
      if (row.outcome === 'NO_HOUSEHOLD')
        return { line: row.line, outcome: 'REJECTED', ...problem('householdId', 'no household with this id', 'NOT_FOUND') };
      return {
        line: row.line,
        outcome: 'REJECTED',
        ...problem('idNumber', 'a person with this ID number is already registered', 'CONFLICT'),
      };
    });
  },
};
