import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/auth/signing-keys.js';
import { verifyCheckpoint } from '../../src/modules/audit/audit.checkpoint.js';
import { loadConfig } from '../../src/server/config.js';
import { startCheckpoints } from '../../src/server/checkpoints.js';
import { openAuditDatabase, readDraft, type AuditDatabase } from '../modules/audit/audit.fixtures.js';
import { startReceiver } from '../support/receiver.js';

let audit: AuditDatabase;
let dataDir: string;
let keys: SigningKeys;

beforeAll(async () => {
  audit = await openAuditDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-checkpoints-'));
  keys = await SigningKeys.load(dataDir);
});

afterAll(async () => {
  await audit.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('periodic checkpoints', () => {
  it('pushes a signed checkpoint of the head to the configured URL while the log grows, and none while it does not', async () => {
    const receiver = await startReceiver();
    const config = loadConfig({ HUB_DATA_DIR: dataDir, HUB_AUDIT_CHECKPOINT_INTERVAL: '1', HUB_AUDIT_CHECKPOINT_URL: receiver.url });
    for (let n = 1; n <= 3; n += 1) await audit.repository.append(readDraft(n));
    const timer = startCheckpoints(audit.repository, keys, config)!;
    try {
      await receiver.waitFor(1);
      const first = await verifyCheckpoint(JSON.parse(receiver.received[0]!.body));
      const head = (await audit.repository.head())!;
      expect(first).toMatchObject({ seq: 3n, hash: head.hash, kid: keys.signingKey.kid });
      // Two more ticks with nothing new: nothing pushed.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(receiver.received).toHaveLength(1);
      await audit.repository.append(readDraft(4));
      await receiver.waitFor(2);
      expect(await verifyCheckpoint(JSON.parse(receiver.received[1]!.body))).toMatchObject({ seq: 4n });
    } finally {
      timer.stop();
      await receiver.close();
    }
  });

  it('makes none when no target is configured, rather than signing checkpoints nobody keeps', () => {
    expect(startCheckpoints(audit.repository, keys, loadConfig({ HUB_DATA_DIR: dataDir }))).toBeNull();
    expect(() => loadConfig({ HUB_AUDIT_CHECKPOINT_URL: 'file:///etc/passwd' })).toThrow(/http\(s\) URL/);
  });
});
