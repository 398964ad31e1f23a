import { BadUserInputError } from './errors.js';

/**
 * Opaque cursors for keyset pagination: the base64url of `kind:key`. The kind
 * stops a cursor of one list from being replayed on another.
 */
export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Decodes a cursor of `kind` holding a UUID; BAD_USER_INPUT naming `argument` otherwise. */
export function decodeCursor(kind: string, cursor: string, argument = 'after'): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const key = text.startsWith(`${kind}:`) ? text.slice(kind.length + 1) : '';
  if (!UUID.test(key)) throw new BadUserInputError(`${argument} is not a cursor of this list`, argument);
  return key;
}

/** Page-size limits shared by every connection. */
export const PAGE = { default: 20, max: 100 } as const;

/** Checks `first` against the page-size limits. */
export function pageSize(first: number | null | undefined, argument = 'first'): number {
  if (first === null || first === undefined) return PAGE.default;
  if (!Number.isInteger(first) || first < 1 || first > PAGE.max) {
    throw new BadUserInputError(`${argument} must be from 1 to ${PAGE.max}`, argument);
  }
  return first;
}
