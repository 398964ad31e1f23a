import { createHmac, randomBytes } from 'node:crypto';

/** One key of the audit chain: its id, as recorded in each entry it hashed, and its secret. */
export interface AuditKey {
  kid: string;
  secret: Buffer;
}

/** Key ids: short, printable, and safe in a comma-separated list. */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Secrets shorter than this are refused: HMAC-SHA256 wants at least its output size. */
export const MIN_SECRET_BYTES = 32;

/**
 * The keys of the audit chain's HMAC-SHA256, kept outside the database: the
 * first signs new entries, the others (rotated out) still verify the entries
 * they signed. `unkeyedUntil` is the last seq written before the log was
 * keyed (entries hashed with plain SHA-256); an unkeyed entry after it breaks
 * the chain, so a rewrite with plain SHA-256 cannot pass as an old entry.
 */
export class AuditKeyRing {
  private readonly byId: Map<string, AuditKey>;

  constructor(
    readonly keys: readonly AuditKey[],
    readonly unkeyedUntil: bigint = 0n,
  ) {
    if (keys.length === 0) throw new Error('the audit chain needs at least one key');
    for (const key of keys) {
      if (!KEY_ID.test(key.kid)) throw new Error(`audit key id ${JSON.stringify(key.kid)} must be 1–64 letters, digits, _ or -`);
      if (key.secret.length < MIN_SECRET_BYTES) throw new Error(`audit key ${key.kid} must have at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.byId = new Map(keys.map((key) => [key.kid, key]));
    if (this.byId.size !== keys.length) throw new Error('audit key ids must be distinct');
  }

  /** A ring of one fresh random key (tests, benchmarks). */
  static generate(kid = newAuditKeyId()): AuditKeyRing {
    return new AuditKeyRing([{ kid, secret: randomBytes(32) }]);
  }

  /**
   * Parses `kid=secret,kid=secret…` (secrets in base64url, newest first), the
   * form of `HUB_AUDIT_KEYS`.
   */
  static parse(text: string, unkeyedUntil = 0n): AuditKeyRing {
    const keys = text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq <= 0) throw new Error('HUB_AUDIT_KEYS must be a comma-separated list of kid=secret (base64url)');
        return { kid: part.slice(0, eq), secret: Buffer.from(part.slice(eq + 1), 'base64url') };
      });
    return new AuditKeyRing(keys, unkeyedUntil);
  }

  /** The key that hashes new entries. */
  get current(): AuditKey {
    return this.keys[0]!;
  }

  /** The key of `kid`, or undefined when the ring does not hold it. */
  get(kid: string): AuditKey | undefined {
    return this.byId.get(kid);
  }
}

/** A new key id: the date and 6 random characters, readable in an entry. */
export function newAuditKeyId(now = new Date()): string {
  return `a${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('base64url').slice(0, 6)}`;
}

/** HMAC-SHA256 of `text` with `key`, lower-case hex. */
export function hmacHex(key: AuditKey, text: string): string {
  return createHmac('sha256', key.secret).update(text, 'utf8').digest('hex');
}
