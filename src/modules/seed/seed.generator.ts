import { formatDate } from '../../shared/dates.js';
import { makeIdNumber } from '../../shared/id-number.js';
import { ageOn } from '../policy/policy.dates.js';
import { formatMoney, maxMoney, minMoney, Money, roundFen, ZERO } from '../../shared/money.js';
import type { AssistanceCategory, Residence } from '../../shared/enums.js';
import { Random } from './random.js';
import {
  CHILD_PREVALENCE,
  CHILD_SPECIAL_DIAGNOSES,
  CHRONIC_DIAGNOSES,
  countiesOf,
  GIVEN_CHARACTERS,
  HOUSEHOLD_PREVALENCE,
  INPATIENT_DIAGNOSES,
  personalContribution,
  RURAL_HOUSEHOLD_PREVALENCE,
  SPECIAL_DRUG_DIAGNOSES,
  SURNAMES,
} from './seed.data.js';

/** What `hub seed` asks for. */
export interface SeedOptions {
  persons: number;
  region: string;
  year: number;
  seed: number;
}

export interface PersonRow {
  id: string;
  idNumber: string;
  name: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  residence: Residence;
  regionCode: string;
  phone: string | null;
  householdId: string;
}

export interface StatusRow {
  id: string;
  personId: string;
  category: AssistanceCategory;
  class: number | null;
  certifiedBy: 'CIVIL_AFFAIRS' | 'RURAL_REVITALIZATION';
  documentNo: string;
  validFrom: string;
  validTo: string | null;
  transitionUntil: string | null;
  retroactive: boolean;
  revokedAt: string | null;
  revokeReason: string | null;
}

export interface EnrollmentDraft {
  id: string;
  personId: string;
  year: number;
  scheme: 'RESIDENT' | 'EMPLOYEE';
  personalContribution: string | null;
}

/** A visit before settlement: what the hospital and the insurers report. */
export interface VisitDraft {
  id: string;
  claimId: string;
  personId: string;
  serviceDate: string;
  visitType: 'INPATIENT' | 'OUTPATIENT_CHRONIC' | 'OUTPATIENT_SPECIAL_DRUG';
  referral: 'LOCAL' | 'REFERRED' | 'UNREFERRED';
  inProvince: boolean;
  providerCode: string;
  diagnosis: string;
  totalCost: string;
  inPolicyCost: string;
  basicPaid: string;
  criticalPaid: string;
  otherPaid: string;
}

/** One generated household with everything about its members. */
export interface GeneratedHousehold {
  household: { id: string; regionCode: string };
  persons: PersonRow[];
  statuses: StatusRow[];
  enrollments: EnrollmentDraft[];
  visits: VisitDraft[];
}

const CIVIL_CATEGORIES = Object.keys(HOUSEHOLD_PREVALENCE) as (keyof typeof HOUSEHOLD_PREVALENCE)[];
const RURAL_CATEGORIES = Object.keys(RURAL_HOUSEHOLD_PREVALENCE) as (keyof typeof RURAL_HOUSEHOLD_PREVALENCE)[];

/** Mixes the options into one PRNG seed, so different regions or years never share ids. */
function mixSeed({ seed, region, year }: SeedOptions): number {
  let h = 2166136261 ^ seed;
  for (const ch of `${region}:${year}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

function isoDate(year: number, dayOfYear: number): string {
  return formatDate(new Date(Date.UTC(year, 0, 1) + dayOfYear * 86_400_000));
}

function addDays(date: string, days: number): string {
  return formatDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));
}

/**
 * Generates households until `options.persons` persons exist: valid,
 * fictitious ID numbers matching region and birth date, Chinese names,
 * households of 1–6, statuses with realistic prevalence and history (revoked,
 * expired and renewed), enrollments and visits of `options.year`. The same
 * options always give the same data.
 */
export function* generateHouseholds(options: SeedOptions): Generator<GeneratedHousehold> {
  const random = new Random(mixSeed(options));
  const counties = countiesOf(options.region);
  const { year } = options;
  const usedIdNumbers = new Set<string>();
  let order = 0;
  let made = 0;
  let claim = 0;
  const nextId = () => random.uuid(Date.UTC(2020, 0, 1) + (order += 1));

  while (made < options.persons) {
    const regionCode = random.pick(counties);
    const residence: Residence = random.chance(0.55) ? 'RURAL' : 'URBAN';
    const size = Math.min(options.persons - made, random.pick([1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6]));
    const household = { id: nextId(), regionCode };
    const surname = random.pick(SURNAMES);
    const persons: PersonRow[] = [];
    for (let i = 0; i < size; i += 1) {
      // First member is an adult head of household; others of any age.
      const age = i === 0 ? random.int(22, 85) : random.int(0, 90);
      const birthDate = isoDate(year - age - 1, random.int(0, 364));
      const gender = random.chance(0.5) ? 'MALE' : 'FEMALE';
      let idNumber: string;
      do {
        const sequence = random.int(0, 499) * 2 + (gender === 'MALE' ? 1 : 0);
        idNumber = makeIdNumber(regionCode, birthDate, sequence);
      } while (usedIdNumbers.has(idNumber));
      usedIdNumbers.add(idNumber);
      const given = Array.from({ length: random.int(1, 2) }, () => random.pick(GIVEN_CHARACTERS)).join('');
      persons.push({
        id: nextId(),
        idNumber,
        name: `${i > 0 && random.chance(0.3) ? random.pick(SURNAMES) : surname}${given}`,
        gender,
        birthDate,
        residence,
        regionCode,
        phone:
          age >= 16 && random.chance(0.85)
            ? `1${random.pick([3, 5, 7, 8, 9])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`
            : null,
        householdId: household.id,
      });
    }
    made += size;

    const statuses = householdStatuses(random, nextId, persons, residence, year);
    const enrollments = persons.flatMap((person) => personEnrollments(random, nextId, person, year));
    const visits = persons.flatMap((person) =>
      personVisits(
        random,
        nextId,
        person,
        year,
        statuses.some((s) => s.personId === person.id),
      ).map((visit) => ({
        ...visit,
        claimId: `SEED-${options.seed}-${options.region}-${year}-${String((claim += 1)).padStart(8, '0')}`,
      })),
    );
    yield { household, persons, statuses, enrollments, visits };
  }
}

function householdStatuses(random: Random, nextId: () => string, persons: PersonRow[], residence: Residence, year: number): StatusRow[] {
  const held: AssistanceCategory[] = CIVIL_CATEGORIES.filter((c) => random.chance(HOUSEHOLD_PREVALENCE[c]));
  if (residence === 'RURAL') held.push(...RURAL_CATEGORIES.filter((c) => random.chance(RURAL_HOUSEHOLD_PREVALENCE[c])));
  const statuses: StatusRow[] = [];
  for (const category of held) {
    const validFrom = isoDate(year - random.int(1, 4), random.int(0, 364));
    const cls = category === 'MINIMUM_LIVING' ? random.int(1, 4) : null;
    const documentNo = `${persons[0]!.regionCode}-${category.slice(0, 3)}-${validFrom.slice(0, 4)}-${String(random.int(1, 9999)).padStart(4, '0')}`;
    const certifiedBy = (RURAL_CATEGORIES as string[]).includes(category) ? 'RURAL_REVITALIZATION' : 'CIVIL_AFFAIRS';
    const retroactive = (category === 'MINIMUM_LIVING' || category === 'LOW_INCOME_MARGINAL') && random.chance(0.05);
    const fate = random.next();
    for (const person of persons) {
      const base = { personId: person.id, category, class: cls, certifiedBy, documentNo, retroactive } as const;
      if (fate < 0.12) {
        // Revoked during the previous year: history only.
        const revokedAt = `${isoDate(year - 1, random.int(0, 364))}T09:00:00.000Z`;
        statuses.push({
          ...base,
          id: nextId(),
          validFrom,
          validTo: null,
          transitionUntil: null,
          revokedAt,
          revokeReason: '家庭收入超过认定标准',
        });
      } else if (fate < 0.25) {
        // Expired at the end of a term, renewed the next day: two rows of history.
        const validTo = isoDate(year - 1, random.int(0, 300));
        const transitionUntil = random.chance(0.3) ? addDays(validTo, 180) : null;
        statuses.push({ ...base, id: nextId(), validFrom, validTo, transitionUntil, revokedAt: null, revokeReason: null });
        statuses.push({
          ...base,
          id: nextId(),
          validFrom: addDays(validTo, 1),
          validTo: null,
          transitionUntil: null,
          revokedAt: null,
          revokeReason: null,
        });
      } else {
        statuses.push({ ...base, id: nextId(), validFrom, validTo: null, transitionUntil: null, revokedAt: null, revokeReason: null });
      }
    }
  }
  for (const person of persons) {
    if (ageOn(person.birthDate, `${year}-01-01`) >= 18) continue;
    for (const [category, p] of Object.entries(CHILD_PREVALENCE) as [AssistanceCategory, number][]) {
      if (!random.chance(p)) continue;
      statuses.push({
        id: nextId(),
        personId: person.id,
        category,
        class: null,
        certifiedBy: 'CIVIL_AFFAIRS',
        documentNo: `${person.regionCode}-${category.slice(0, 3)}-${year}-${String(random.int(1, 9999)).padStart(4, '0')}`,
        validFrom: isoDate(year - 1, random.int(0, 364)),
        validTo: null,
        transitionUntil: null,
        retroactive: false,
        revokedAt: null,
        revokeReason: null,
      });
    }
  }
  return statuses;
}

function personEnrollments(random: Random, nextId: () => string, person: PersonRow, year: number): EnrollmentDraft[] {
  const age = ageOn(person.birthDate, `${year}-01-01`);
  const employee = age >= 20 && age < 60 && person.residence === 'URBAN' && random.chance(0.45);
  if (random.chance(0.015)) return []; // not enrolled: the coverage rate is not 100 %
  return [year - 1, year].map((y) => ({
    id: nextId(),
    personId: person.id,
    year: y,
    scheme: employee ? 'EMPLOYEE' : 'RESIDENT',
    personalContribution: employee ? null : personalContribution(y),
  }));
}

function personVisits(
  random: Random,
  nextId: () => string,
  person: PersonRow,
  year: number,
  certified: boolean,
): Omit<VisitDraft, 'claimId'>[] {
  const age = ageOn(person.birthDate, `${year}-06-30`);
  const frailty = (age >= 60 ? 2 : age < 6 ? 1.5 : 1) * (certified ? 1.6 : 1);
  const visits: Omit<VisitDraft, 'claimId'>[] = [];
  const add = (visitType: VisitDraft['visitType'], diagnosis: string, approximateTotal: number) => {
    const referral = random.chance(0.86) ? 'LOCAL' : random.chance(0.7) ? 'REFERRED' : 'UNREFERRED';
    const inProvince = referral !== 'UNREFERRED' || random.chance(0.4);
    // The draw is a whole number of fen; every amount derived from it is decimal.
    const total = new Money(Math.round(approximateTotal * 100)).div(100);
    const inPolicy = roundFen(total.mul(random.int(72, 92)).div(100));
    const deductible = visitType === 'INPATIENT' ? 600 : 0;
    const basic = roundFen(
      minMoney(maxMoney(ZERO, inPolicy.sub(deductible)).mul(visitType === 'INPATIENT' ? '0.65' : '0.55'), new Money(200_000)),
    );
    const critical = visitType === 'INPATIENT' ? roundFen(maxMoney(ZERO, inPolicy.sub(basic).sub(15_000)).mul('0.6')) : ZERO;
    const other =
      person.regionCode.startsWith('3304') && random.chance(0.08) ? roundFen(inPolicy.sub(basic).sub(critical).mul('0.3')) : ZERO;
    visits.push({
      id: nextId(),
      personId: person.id,
      serviceDate: isoDate(year, random.int(0, 360)),
      visitType,
      referral,
      inProvince,
      providerCode: `H${person.regionCode}${String(random.int(1, 40)).padStart(3, '0')}`,
      diagnosis,
      totalCost: formatMoney(total),
      inPolicyCost: formatMoney(inPolicy),
      basicPaid: formatMoney(basic),
      criticalPaid: formatMoney(critical),
      otherPaid: formatMoney(other),
    });
  };
  if (random.chance(0.1 * frailty)) {
    const stays = random.int(1, 3);
    for (let i = 0; i < stays; i += 1) {
      const child = age <= 14 && random.chance(0.05);
      const diagnosis = child ? random.pick(CHILD_SPECIAL_DIAGNOSES) : random.pick(INPATIENT_DIAGNOSES);
      add('INPATIENT', diagnosis, Math.min(400_000, Math.max(800, random.logNormal(child ? 40_000 : 9_000, 0.85))));
    }
  }
  if (age >= 30 && random.chance(0.07 * frailty)) {
    const diagnosis = random.pick(CHRONIC_DIAGNOSES);
    for (let i = random.int(2, 6); i > 0; i -= 1) add('OUTPATIENT_CHRONIC', diagnosis, Math.max(80, random.logNormal(600, 0.6)));
  }
  if (random.chance(0.006 * frailty)) {
    const diagnosis = random.pick(SPECIAL_DRUG_DIAGNOSES);
    for (let i = random.int(1, 4); i > 0; i -= 1) add('OUTPATIENT_SPECIAL_DRUG', diagnosis, Math.max(500, random.logNormal(6_000, 0.5)));
  }
  return visits.sort((a, b) => a.serviceDate.localeCompare(b.serviceDate));
}
