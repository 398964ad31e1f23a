import { describe, expect, it } from 'vitest';
import { checkCharacter, makeIdNumber, parseIdNumber } from '../../src/shared/id-number.js';

describe('national ID numbers', () => {
  it('computes the ISO 7064 MOD 11-2 check character of the standard example', () => {
    // GB 11643's worked example: 11010519491231002 → X
    expect(checkCharacter('11010519491231002')).toBe('X');
  });

  it('accepts a generated number and reads region, birth date and gender from it', () => {
    const id = makeIdNumber('620702', '1962-05-10', 123);
    expect(parseIdNumber(id)).toEqual({ ok: true, facts: { regionCode: '620702', birthDate: '1962-05-10', gender: 'MALE' } });
    expect(parseIdNumber(makeIdNumber('620702', '1962-05-10', 124))).toMatchObject({ facts: { gender: 'FEMALE' } });
  });

  it('refuses a wrong check character', () => {
    const id = makeIdNumber('620702', '1962-05-10', 123);
    const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    expect(parseIdNumber(wrong)).toEqual({ ok: false, reason: 'has a wrong check character' });
  });

  it('refuses an impossible birth date even with a matching check character', () => {
    const first17 = '62070219620230123';
    expect(parseIdNumber(first17 + checkCharacter(first17))).toEqual({ ok: false, reason: 'encodes an impossible birth date' });
  });

  it('refuses non-digits and wrong lengths', () => {
    expect(parseIdNumber('62070219620510A23X').ok).toBe(false);
    expect(parseIdNumber('6207021962051012').ok).toBe(false);
  });
});
