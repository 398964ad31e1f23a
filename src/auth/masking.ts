/**
 * The masked forms of domain.md §2, for clients that may know that a person
 * exists but not who: pure functions, applied by the schema views to every
 * path that returns the field.
 */

// Compound surnames keep both characters, as in the policy's example 欧阳**.
const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
  '端木',
];

/**
 * `620702***********X`: the region and the check character only. The birth
 * date and the sequence stay hidden: the sequence's last digit carries the
 * gender, and with the birth date visible elsewhere the old four-character tail
 * rebuilt the number (domain.md §2). With region, check character and birth
 * date known, the 3-digit sequence still leaves about 1 000 / 11 ≈ 91
 * candidates, which the quota of lookup misses bounds.
 */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-1)}`;
}

/** `张*`, `欧阳**`: the surname, one star per other character. */
export function maskName(name: string): string {
  const characters = [...name];
  const keep = COMPOUND_SURNAMES.some((surname) => name.startsWith(surname)) && characters.length > 2 ? 2 : 1;
  return characters.slice(0, keep).join('') + '*'.repeat(Math.max(0, characters.length - keep));
}

/** The mask of each maskable field coordinate. */
export const MASKS: Readonly<Record<string, (value: string) => string>> = {
  'Person.idNumber': maskIdNumber,
  'Person.name': maskName,
};
