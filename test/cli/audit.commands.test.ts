import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditCommand } from '../../src/cli/audit.commands.js';
import { loadConfig, type HubConfig } from '../../src/server/config.js';
import { openAuditDatabase, readDraft, type AuditDatabase } from '../modules/audit/audit.fixtures.js';

let audit: AuditDatabase;
let config: HubConfig;

beforeAll(async () => {
  audit = await openAuditDatabase();
  config = loadConfig({ DATABASE_URL: audit.url, PORT: '0', HUB_DATA_DIR: '/nonexistent' });
});

afterAll(() => audit.close());

afterEach(() => vi.restoreAllMocks());

/** Runs `hub audit …` in this process and returns its exit code and what it printed. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const code = await auditCommand(config, args);
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

  it('reports the first broken entry on stdout and exits 1', async () => {
    await audit.tamper(`UPDATE audit_entry SET fields = '{Person.phone}' WHERE seq = 17`);
    await audit.tamper('DELETE FROM audit_entry WHERE seq = 25');
    const result = await run(['verify']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ intact: false, firstBroken: { seq: 17, reason: 'hash mismatch' } });
  });

  it('refuses an unknown subcommand with exit 2 and the usage on stderr', async () => {
    for (const args of [[], ['check'], ['verify', '--fast']]) {
      const result = await run(args);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/usage: hub audit verify/);
    }
  });
});
