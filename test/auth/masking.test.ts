import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName } from '../../src/auth/masking.js';

describe('masking', () => {
  it('keeps the region and the check character of an ID number, hiding birth date and sequence', () => {
    expect(maskIdNumber('62070219620510123X')).toBe('620702***********X');
    expect(maskIdNumber('62070219620510123X')).not.toContain('19620510');
    expect(maskIdNumber('62070219620510123X')).not.toContain('123');
  });

  it('keeps the surname of a name, both characters of a compound surname', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('欧阳')).toBe('欧*');
  });
});
