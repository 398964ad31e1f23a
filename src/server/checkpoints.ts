import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SigningKeys } from '../auth/signing-keys.js';
import { signCheckpoint, type SignedCheckpoint } from '../modules/audit/audit.checkpoint.js';
import type { AuditRepository } from '../modules/audit/audit.repository.js';
import { log } from '../shared/log.js';
import type { HubConfig } from './config.js';

/** Where checkpoints go once signed: a file appended to, a URL posted to, or both. */
export type CheckpointTargets = Pick<HubConfig, 'checkpointFile' | 'checkpointUrl'>;

const POST_TIMEOUT_MS = 10_000;

/**
 * Signs a checkpoint of the log's current head with the hub's signing key and
 * pushes it to the configured targets: appended as one JSON line to
 * `checkpointFile`, POSTed as JSON to `checkpointUrl`. Returns undefined for
 * an empty log. Throws when a target refuses it (the checkpoint is made all
 * the same and may be pushed again).
 */
export async function makeCheckpoint(
  audit: AuditRepository,
  keys: SigningKeys,
  targets: CheckpointTargets,
  now = new Date(),
): Promise<SignedCheckpoint | undefined> {
  const checkpoint = await checkpointOfHead(audit, keys, now);
  if (checkpoint) await pushCheckpoint(checkpoint, targets);
  return checkpoint;
}

/** A signed checkpoint of the log's current head; undefined for an empty log. */
export async function checkpointOfHead(audit: AuditRepository, keys: SigningKeys, now = new Date()): Promise<SignedCheckpoint | undefined> {
  const head = await audit.head();
  return head ? signCheckpoint(head, keys.checkpointSigner, now) : undefined;
}

/** Sends a checkpoint to each configured target; every target is tried before the first failure is thrown. */
export async function pushCheckpoint(checkpoint: SignedCheckpoint, targets: CheckpointTargets): Promise<void> {
  const failures: string[] = [];
  if (targets.checkpointFile) {
    try {
      await mkdir(path.dirname(targets.checkpointFile), { recursive: true });
      await appendFile(targets.checkpointFile, `${JSON.stringify(checkpoint)}\n`, { mode: 0o644 });
    } catch (error) {
      failures.push(`file: ${(error as Error).message}`);
    }
  }
  if (targets.checkpointUrl) {
    try {
      const response = await fetch(targets.checkpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(checkpoint),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        redirect: 'error',
      });
      if (!response.ok) failures.push(`webhook answered ${response.status}`);
    } catch (error) {
      failures.push(`webhook: ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`checkpoint ${checkpoint.seq} not pushed: ${failures.join('; ')}`);
}

/** A running checkpoint timer. */
export interface CheckpointTimer {
  stop(): void;
}

/**
 * Makes a checkpoint every `intervalSeconds` while the log grows (none when
 * the head has not moved since the last one). A failed push is logged and
 * retried at the next tick.
 */
export function startCheckpoints(audit: AuditRepository, keys: SigningKeys, config: HubConfig): CheckpointTimer | null {
  if (config.checkpointIntervalSeconds === 0) return null;
  if (!config.checkpointFile && !config.checkpointUrl) {
    log.warn('audit checkpoints are not pushed anywhere: set HUB_AUDIT_CHECKPOINT_FILE or HUB_AUDIT_CHECKPOINT_URL');
    return null;
  }
  let lastSeq: bigint | null = null;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const head = await audit.head();
      if (!head || head.seq === lastSeq) return;
      const checkpoint = await makeCheckpoint(audit, keys, config);
      if (checkpoint) lastSeq = BigInt(checkpoint.seq);
      log.info(`audit checkpoint at seq ${checkpoint?.seq} pushed`);
    } catch (error) {
      log.warn(`audit checkpoint failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), config.checkpointIntervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
