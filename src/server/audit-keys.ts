import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { AuditKeyRing, newAuditKeyId } from '../modules/audit/audit.keys.js';
import { log } from '../shared/log.js';
import type { HubConfig } from './config.js';

const KEYS_FILE = 'audit-keys.json';

/** `<dataDir>/keys/audit-keys.json` (mode 0600): the chain's keys, newest first, and the last entry written before it was keyed. */
interface StoredAuditKeys {
  /** Entries up to this seq were hashed with plain SHA-256, before the log was keyed (a decimal string). */
  unkeyedUntil: string;
  keys: { kid: string; createdAt: string; secret: string }[];
}

/**
 * The audit chain's keys: from `HUB_AUDIT_KEYS` when set (a server's secret),
 * else from `<dataDir>/keys/audit-keys.json`, created on first use. A new file
 * records the log's current head as `unkeyedUntil`: entries written before the
 * log was keyed still verify with plain SHA-256, later ones only with a key.
 * @param headSeq the seq of the log's last entry (0 when empty), read only when the file is created.
 */
export async function loadAuditKeys(
  config: Pick<HubConfig, 'auditKeys' | 'dataDir'>,
  headSeq: () => Promise<bigint>,
): Promise<AuditKeyRing> {
  if (config.auditKeys) return AuditKeyRing.parse(config.auditKeys);
  const file = keysFile(config.dataDir);
  const stored = (await readStored(file)) ?? (await createStored(file, await headSeq()));
  return ringOf(stored);
}

/**
 * Adds a new key to the file, in front: it hashes the entries written after
 * the hub restarts, and the older keys stay to verify theirs. With
 * `HUB_AUDIT_KEYS`, rotation is done by putting a new `kid=secret` first.
 * @returns the new key id.
 */
export async function rotateAuditKey(config: Pick<HubConfig, 'auditKeys' | 'dataDir'>): Promise<string> {
  if (config.auditKeys) throw new Error('the audit keys come from HUB_AUDIT_KEYS: rotate them by putting a new kid=secret first in it');
  const file = keysFile(config.dataDir);
  const stored = await readStored(file);
  if (!stored) throw new Error(`no audit keys in ${file} yet: the hub creates them on first start`);
  const key = newKey();
  await writeAtomically(file, { ...stored, keys: [key, ...stored.keys] });
  log.info(`audit key rotated: new key ${key.kid}; running hubs use it after a restart`);
  return key.kid;
}

/** The seq of the log's last entry, 0 when it is empty. */
export async function headSeq(pool: pg.Pool): Promise<bigint> {
  const { rows } = await pool.query<{ seq: string }>('SELECT COALESCE(max(seq), 0)::text AS seq FROM audit_entry');
  return BigInt(rows[0]!.seq);
}

function keysFile(dataDir: string): string {
  return path.join(dataDir, 'keys', KEYS_FILE);
}

function newKey() {
  return { kid: newAuditKeyId(), createdAt: new Date().toISOString(), secret: randomBytes(32).toString('base64url') };
}

function ringOf(stored: StoredAuditKeys): AuditKeyRing {
  return new AuditKeyRing(
    stored.keys.map((k) => ({ kid: k.kid, secret: Buffer.from(k.secret, 'base64url') })),
    BigInt(stored.unkeyedUntil),
  );
}

async function readStored(file: string): Promise<StoredAuditKeys | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredAuditKeys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function createStored(file: string, unkeyedUntil: bigint): Promise<StoredAuditKeys> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const stored: StoredAuditKeys = { unkeyedUntil: unkeyedUntil.toString(), keys: [newKey()] };
  const temporary = await writeTemporary(file, stored);
  try {
    // link() creates the name only when it is free: of two processes starting together, the first key wins whole.
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readStored(file))!;
  } finally {
    await unlink(temporary);
  }
  log.info(`created audit key ${stored.keys[0]!.kid} in ${path.dirname(file)}`);
  return stored;
}

async function writeAtomically(file: string, value: StoredAuditKeys): Promise<void> {
  await rename(await writeTemporary(file, value), file);
}

async function writeTemporary(file: string, value: StoredAuditKeys): Promise<string> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  return temporary;
}
