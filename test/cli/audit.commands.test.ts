import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditCommand } from '../../src/cli/audit.commands.js';
import { canonicalEntry } from '../../src/modules/audit/audit.chain.js';
import { loadConfig, type HubConfig } from '../../src/server/config.js';
import { keysEnv, openAuditDatabase, readDraft, type AuditDatabase } from '../modules/audit/audit.fixtures.js';

let audit: AuditDatabase;
let config: HubConfig;
let dataDir: string;

beforeAll(async () => {
  audit = await openAuditDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-audit-cli-'));
  config = loadConfig({
    DATABASE_URL: audit.url,
    PORT: '0',
    HUB_DATA_DIR: dataDir,
    HUB_AUDIT_KEYS: keysEnv(audit.keys),
    HUB_AUDIT_CHECKPOINT_FILE: path.join(dataDir, 'auditor', 'checkpoints.jsonl'),
  });
});

afterAll(async () => {
  await audit.close();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(() => vi.restoreAllMocks());

/** Runs `hub audit …` in this process and returns its exit code and what it printed. */
async function run(args: string[], withConfig: HubConfig = config): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const code = await auditCommand(withConfig, args);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('hub audit verify', () => {
  it('reports an empty log as intact', async () => {
    expect(await run(['verify'])).toMatchObject({ code: 0, stdout: '{"intact":true,"entries":0}\n' });
  });

  it('reports an intact chain with its length on stdout and exit 0', async () => {
    for (let n = 1; n <= 30; n += 1) await audit.repository.append(readDraft(n));
    const result = await run(['verify']);
    expect(result).toMatchObject({ code: 0, stdout: '{"intact":true,"entries":30}\n' });
    expect(result.stderr).toMatch(/audit chain checked/);
  });

  it('fails without the key the entries were hashed with', async () => {
    const otherKey = loadConfig({
      DATABASE_URL: audit.url,
      HUB_DATA_DIR: dataDir,
      HUB_AUDIT_KEYS: `${audit.keys.current.kid}=${'A'.repeat(43)}`,
    });
    const result = await run(['verify'], otherKey);
    expect({ code: result.code, out: JSON.parse(result.stdout) }).toEqual({
      code: 1,
      out: { intact: false, firstBroken: { seq: 1, reason: 'hash mismatch' } },
    });
  });

  it('finds entry 23 with its persons erased and every later hash recomputed with plain SHA-256', async () => {
    const checkpoint = await run(['checkpoint']);
    expect(checkpoint.code).toBe(0);
    const rows = [];
    for await (const row of audit.repository.chain()) rows.push(row);
    let prevHash = rows[21]!.hash;
    const statements: string[] = [];
    for (const row of rows.slice(22)) {
      const edited = { ...row, personIds: row.seq === 23n ? [] : row.personIds, prevHash };
      const hash = createHash('sha256')
        .update(prevHash + canonicalEntry(edited), 'utf8')
        .digest('hex');
      statements.push(
        `UPDATE audit_entry SET person_ids = '{${edited.personIds.join(',')}}', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${row.seq}`,
      );
      prevHash = hash;
    }
    await audit.tamper(statements.join(';\n'));
    const result = await run(['verify']);
    expect({ code: result.code, out: JSON.parse(result.stdout) }).toEqual({
      code: 1,
      out: { intact: false, firstBroken: { seq: 23, reason: 'hash mismatch' } },
    });
    // Put back, for the tests below.
    await audit.tamper(
      rows
        .slice(22)
        .map(
          (row) =>
            `UPDATE audit_entry SET person_ids = '{${row.personIds.join(',')}}', prev_hash = '${row.prevHash}', hash = '${row.hash}' WHERE seq = ${row.seq}`,
        )
        .join(';\n'),
    );
    expect((await run(['verify'])).code).toBe(0);
  });

  it('finds a cut tail against a checkpoint kept by the auditor, which the chain alone cannot', async () => {
    const file = config.checkpointFile!;
    const made = await run(['checkpoint']);
    expect(made.code).toBe(0);
    const signed = JSON.parse(made.stdout) as { seq: string; kid: string };
    expect(signed).toMatchObject({ seq: '30', kid: expect.any(String) });
    // Both checkpoints so far went to the auditor's file, one JSON line each.
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual(signed);
    expect(await run(['verify', '--checkpoint', file])).toMatchObject({
      code: 0,
      stdout: '{"intact":true,"entries":30,"checkpoints":2}\n',
    });

    await audit.tamper('DELETE FROM audit_entry WHERE seq > 25');
    expect(await run(['verify'])).toMatchObject({ code: 0, stdout: '{"intact":true,"entries":25}\n' });
    const cut = await run(['verify', '--checkpoint', file]);
    expect({ code: cut.code, out: JSON.parse(cut.stdout) }).toEqual({
      code: 1,
      out: { intact: false, firstBroken: { seq: 26, reason: 'log ends before checkpoint' } },
    });
  });

  it('refuses a checkpoint whose signed values were changed', async () => {
    const made = JSON.parse((await run(['checkpoint'])).stdout) as { jws: string };
    const [header, payload, signature] = made.jws.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = {
      ...made,
      jws: [header, Buffer.from(JSON.stringify({ ...claims, seq: '3' })).toString('base64url'), signature].join('.'),
    };
    const file = path.join(dataDir, 'forged.json');
    await writeFile(file, JSON.stringify(forged));
    const result = await run(['verify', '--checkpoint', file]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ intact: false, badCheckpoint: { index: 0 } });
  });

  it('reports the first broken entry on stdout and exits 1', async () => {
    await audit.tamper(`UPDATE audit_entry SET fields = '{Person.phone}' WHERE seq = 17`);
    await audit.tamper('DELETE FROM audit_entry WHERE seq = 20');
    const result = await run(['verify']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ intact: false, firstBroken: { seq: 17, reason: 'hash mismatch' } });
  });

  it('refuses an unknown subcommand with exit 2 and the usage on stderr', async () => {
    for (const args of [[], ['check'], ['verify', '--fast'], ['checkpoint', '--checkpoint', 'x']]) {
      const result = await run(args);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/usage: hub audit verify/);
    }
  });
});
