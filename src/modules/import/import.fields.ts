import { parseDate } from '../../shared/dates.js';

/** A field of a row that cannot be read: its name and why. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Readers of one row's fields, for NDJSON values and CSV text alike. */
export function fieldsOf(record: Record<string, unknown>) {
  const raw = (name: string) => {
    const value = record[name];
    return value === undefined || value === null || value === '' ? null : value;
  };
  const text = (name: string): string | null => {
    const value = raw(name);
    if (value === null) return null;
    if (typeof value !== 'string' && typeof value !== 'number') throw new FieldError(name, 'must be text');
    return String(value);
  };
  return {
    text,
    required(name: string): string {
      const value = text(name);
      if (value === null) throw new FieldError(name, 'is required');
      return value;
    },
    date(name: string): Date | null {
      const value = text(name);
      if (value === null) return null;
      const date = parseDate(value);
      if (!date) throw new FieldError(name, 'must be a real date YYYY-MM-DD');
      return date;
    },
    integer(name: string): number | null {
      const value = raw(name);
      if (value === null) return null;
      const number = typeof value === 'number' ? value : /^-?\d+$/.test(String(value)) ? Number(value) : NaN;
      if (!Number.isInteger(number)) throw new FieldError(name, 'must be a whole number');
      return number;
    },
    boolean(name: string): boolean | null {
      const value = raw(name);
      if (value === null) return null;
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw new FieldError(name, 'must be true or false');
    },
    oneOf<T extends string>(name: string, values: readonly T[]): T {
      const value = text(name);
      if (value === null) throw new FieldError(name, 'is required');
      if (!(values as readonly string[]).includes(value)) throw new FieldError(name, `must be one of ${values.join(', ')}`);
      return value as T;
    },
  };
}
