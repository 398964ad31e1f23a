/**
 * The national ID number (公民身份号码, GB 11643): 6-digit region, 8-digit birth
 * date, 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

/** The check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** What an ID number says about its holder. */
export interface IdNumberFacts {
  regionCode: string;
  birthDate: string;
  gender: 'MALE' | 'FEMALE';
}

/**
 * Validates an ID number and returns what it encodes, or the reason it is
 * refused (a message fit for a client).
 */
export function parseIdNumber(text: string): { ok: true; facts: IdNumberFacts } | { ok: false; reason: string } {
  const value = text.toUpperCase();
  if (!SHAPE.test(value)) return { ok: false, reason: 'must be 17 digits followed by a digit or X' };
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, reason: 'encodes an impossible birth date' };
  }
  if (checkCharacter(value) !== value[17]) return { ok: false, reason: 'has a wrong check character' };
  return {
    ok: true,
    facts: {
      regionCode: value.slice(0, 6),
      birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
      gender: Number(value[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
    },
  };
}

/** Builds a valid ID number (for generated, fictitious data). */
export function makeIdNumber(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}
