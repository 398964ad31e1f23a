import { describe, expect, it } from 'vitest';
import { parseIdNumber } from '../../../src/shared/id-number.js';
import { generateHouseholds, type GeneratedHousehold, type SeedOptions } from '../../../src/modules/seed/seed.generator.js';

const OPTIONS: SeedOptions = { persons: 20_000, region: '620700', year: 2024, seed: 42 };
const households: GeneratedHousehold[] = [...generateHouseholds(OPTIONS)];
const persons = households.flatMap((h) => h.persons);
const statuses = households.flatMap((h) => h.statuses);

function shareHolding(category: string): number {
  const holders = new Set(statuses.filter((s) => s.category === category).map((s) => s.personId));
  return holders.size / persons.length;
}

describe('generated demo data', () => {
  it('has exactly the persons asked for, in households of 1 to 6 within the region', () => {
    expect(persons).toHaveLength(20_000);
    for (const h of households) {
      expect(h.persons.length).toBeGreaterThanOrEqual(1);
      expect(h.persons.length).toBeLessThanOrEqual(6);
      expect(h.household.regionCode.startsWith('6207')).toBe(true);
    }
  });

  it('gives every person a valid, unique ID number matching region, birth date and gender', () => {
    for (const p of persons) {
      const parsed = parseIdNumber(p.idNumber);
      expect(parsed).toEqual({ ok: true, facts: { regionCode: p.regionCode, birthDate: p.birthDate, gender: p.gender } });
    }
    expect(new Set(persons.map((p) => p.idNumber)).size).toBe(persons.length);
  });

  it('is reproducible: the same options give the same data, another seed other data', () => {
    const again = [...generateHouseholds({ ...OPTIONS, persons: 500 })];
    const first500 = [...generateHouseholds({ ...OPTIONS, persons: 500 })];
    expect(again).toEqual(first500);
    const other = [...generateHouseholds({ ...OPTIONS, persons: 500, seed: 43 })];
    expect(other.flatMap((h) => h.persons.map((p) => p.idNumber))).not.toEqual(first500.flatMap((h) => h.persons.map((p) => p.idNumber)));
  });

  it('has prevalences of the order of real ones', () => {
    expect(shareHolding('MINIMUM_LIVING')).toBeGreaterThan(0.02);
    expect(shareHolding('MINIMUM_LIVING')).toBeLessThan(0.08);
    expect(shareHolding('EXTREME_POVERTY')).toBeGreaterThan(0.001);
    expect(shareHolding('EXTREME_POVERTY')).toBeLessThan(0.012);
    const ruralShare = persons.filter((p) => p.residence === 'RURAL').length / persons.length;
    expect(ruralShare).toBeGreaterThan(0.4);
    expect(ruralShare).toBeLessThan(0.7);
    for (const s of statuses.filter((s) => ['LIFTED_OUT_OF_POVERTY', 'AT_RISK_MONITORED', 'RETURNED_TO_POVERTY'].includes(s.category))) {
      expect(persons.find((p) => p.id === s.personId)!.residence).toBe('RURAL');
    }
  });

  it('keeps history: revoked statuses, and expired ones renewed the next day', () => {
    expect(statuses.some((s) => s.revokedAt !== null)).toBe(true);
    const expired = statuses.filter((s) => s.validTo !== null);
    expect(expired.length).toBeGreaterThan(0);
    for (const old of expired) {
      const next = new Date(Date.parse(`${old.validTo}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(statuses.some((s) => s.personId === old.personId && s.category === old.category && s.validFrom === next)).toBe(true);
    }
  });

  it('gives visits consistent amounts: in-policy within total, insurers within in-policy', () => {
    const visits = households.flatMap((h) => h.visits);
    expect(visits.length).toBeGreaterThan(persons.length * 0.1);
    for (const v of visits) {
      expect(Number(v.inPolicyCost)).toBeLessThanOrEqual(Number(v.totalCost));
      expect(Number(v.basicPaid) + Number(v.criticalPaid) + Number(v.otherPaid)).toBeLessThanOrEqual(Number(v.inPolicyCost) + 0.005);
      expect(v.serviceDate.startsWith('2024-')).toBe(true);
      expect(v.totalCost).toMatch(/^\d+\.\d{2}$/);
    }
    expect(new Set(visits.map((v) => v.claimId)).size).toBe(visits.length);
  });
});
