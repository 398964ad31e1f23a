import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../../src/server/migrate.js';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { withDatabase } from '../global-setup.js';

/**
 * The migration that made claim ids unique per jurisdiction, on a database
 * that holds claims from before it: each moves to the namespace of the client
 * that settled it, or, loaded without one, of its person's city; and the
 * alerts of a claim follow it (alert_keys_per_claim_namespace).
 */
const MIGRATION = '20261202125052_claim_ids_per_jurisdiction';

let adminUrl: string;
let name: string;
let url: string;
let before: string;
let db: pg.Client;

beforeAll(async () => {
  adminUrl = withDatabase(inject('templateUrl'), 'postgres');
  name = `hub_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  url = withDatabase(inject('templateUrl'), name);
  // The migrations up to the one before this one, as a database deployed before it has them.
  before = await mkdtemp(path.join(os.tmpdir(), 'hub-migrations-'));
  for (const entry of await readdir(MIGRATIONS_DIR, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name < MIGRATION)
      await cp(path.join(MIGRATIONS_DIR, entry.name), path.join(before, entry.name), { recursive: true });
  }
  await migrate(url, before);
  db = new pg.Client({ connectionString: url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await rm(before, { recursive: true, force: true });
});

async function person(regionCode: string, sequence: number): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO person (id, id_number, name, gender, birth_date, residence, region_code) VALUES ($1, $2, '测试', 'MALE', '1970-01-01', 'RURAL', $3)`,
    [id, makeIdNumber(regionCode, '1970-01-01', sequence), regionCode],
  );
  return id;
}

async function client(jurisdiction: string): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO client (id, name, agency, jurisdiction, purposes) VALUES ($1, 'settling', 'MEDICAL_INSURANCE', $2, '{SETTLEMENT}')`,
    [id, jurisdiction],
  );
  return id;
}

async function claim(claimId: string, personId: string, settledBy: string | null): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO benefit_record (id, claim_id, person_id, service_date, year, visit_type, referral, in_province, total_cost, in_policy_cost,
       basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, settled_by_client_id)
     VALUES ($1, $2, $3, '2024-05-10', 2024, 'INPATIENT', 'LOCAL', true, 100, 100, 50, 0, 0, 10, 0, 40, $4)`,
    [id, claimId, personId, settledBy],
  );
  return id;
}

/** A per-visit alert of the claim `benefitId`, keyed as before the migration: rule and claim id. */
async function alert(personId: string, benefitId: string, claimId: string): Promise<void> {
  await db.query(
    `INSERT INTO alert (id, person_id, rule, rule_set, citation, measure, threshold, amount, targets, year, month, benefit_id, dedupe_key)
     VALUES ($1, $2, 'gansu-2023/rural-other-stay', 'gansu-2023', 'test', 'STAY_OUT_OF_POCKET', 12000, 20000, '{CIVIL_AFFAIRS}', 2024, '2024-05', $3, $4)`,
    [randomUUID(), personId, benefitId, `gansu-2023/rural-other-stay:${claimId}`],
  );
}

describe(`migration ${MIGRATION}`, () => {
  it("moves each stored claim to its settling client's jurisdiction, or its person's city, and keeps the records append-only", async () => {
    const [zhangye, national] = [await client('6207'), await client('')];
    const [inZhangye, inJiaxing] = [await person('620702', 11), await person('330402', 12)];
    const settled = await claim('C-ZY', inZhangye, zhangye);
    await alert(inZhangye, settled, 'C-ZY');
    await claim('C-NATIONAL', inZhangye, national);
    await claim('C-LOADED', inJiaxing, null);

    expect(await migrate(url)).toContain(MIGRATION);

    const { rows } = await db.query<{ claim_id: string; claim_jurisdiction: string }>(
      'SELECT claim_id, claim_jurisdiction FROM benefit_record ORDER BY claim_id',
    );
    expect(rows).toEqual([
      { claim_id: 'C-LOADED', claim_jurisdiction: '3304' },
      { claim_id: 'C-NATIONAL', claim_jurisdiction: '' },
      { claim_id: 'C-ZY', claim_jurisdiction: '6207' },
    ]);
    // Alerts of a claim are keyed in its namespace, as settling and monitoring now key them.
    const keys = await db.query<{ dedupe_key: string }>('SELECT dedupe_key FROM alert');
    expect(keys.rows).toEqual([{ dedupe_key: 'gansu-2023/rural-other-stay:6207:C-ZY' }]);
    // The trigger was lifted for the backfill only.
    await expect(db.query(`UPDATE benefit_record SET claim_jurisdiction = '6207'`)).rejects.toThrow(/append-only/);
    // The same id may now be settled again in another jurisdiction, never twice in one.
    await db.query(`INSERT INTO benefit_record (id, claim_id, person_id, service_date, year, visit_type, referral, in_province, total_cost,
        in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, claim_jurisdiction)
      VALUES ('${randomUUID()}', 'C-ZY', '${inJiaxing}', '2024-05-10', 2024, 'INPATIENT', 'LOCAL', true, 1, 1, 0, 0, 0, 0, 0, 1, '3304')`);
    await expect(
      db.query(`INSERT INTO benefit_record (id, claim_id, person_id, service_date, year, visit_type, referral, in_province, total_cost,
          in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, claim_jurisdiction)
        VALUES ('${randomUUID()}', 'C-ZY', '${inZhangye}', '2024-05-10', 2024, 'INPATIENT', 'LOCAL', true, 1, 1, 0, 0, 0, 0, 0, 1, '6207')`),
    ).rejects.toThrow(/unique/);
  });
});
