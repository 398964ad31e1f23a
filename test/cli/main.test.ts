import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENVIRONMENT } from '../../src/cli/help.js';
import { main } from '../../src/cli/main.js';

/** Runs `hub …` in this process; what it printed on stdout and stderr. */
async function hub(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('hub --help and --version', () => {
  it('answers -h, --help and help on stdout with exit 0, listing every command and environment variable', async () => {
    for (const flag of ['-h', '--help', 'help']) {
      const result = await hub(flag);
      expect(result.code).toBe(0);
      for (const command of ['start', 'migrate', 'seed', 'quote', 'clients', 'audit', 'monitor', 'dispatch']) {
        expect(result.stdout).toContain(`hub ${command}`);
      }
      for (const [name] of ENVIRONMENT) expect(result.stdout).toContain(name);
    }
  });

  it('answers <command> --help and -h with that command alone', async () => {
    const seed = await hub('seed', '--help');
    expect(seed.code).toBe(0);
    expect(seed.stdout).toMatch(/^usage: hub seed --persons N/);
    expect(seed.stdout).not.toContain('hub migrate');
    expect((await hub('clients', 'create', '-h')).stdout).toMatch(/^usage: hub clients create/);
    expect((await hub('help', 'monitor')).stdout).toMatch(/^usage: hub monitor run/);
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await hub('--version')).stdout).toBe(`medical-assistance-hub ${pkg.version}\n`);
  });

  it('documents every environment variable the sources read', () => {
    const root = fileURLToPath(new URL('../../src', import.meta.url));
    const read = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (name === 'generated') continue;
        if (statSync(file).isDirectory()) walk(file);
        else if (file.endsWith('.ts'))
          for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:env(?:\.|\[')|\(env, ')([A-Z][A-Z0-9_]+)/g)) read.add(m[1]!);
      }
    };
    walk(root);
    expect(read.size).toBeGreaterThan(5);
    const documented = new Set(ENVIRONMENT.map(([name]) => name));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('bad command lines', () => {
  it('say error: with the usage of the command and exit 2', async () => {
    const unknown = await hub('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command "frobnicate"/);
    const negative = await hub('seed', '--persons', '-5', '--region', '620700', '--year', '2024');
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/^error: --persons must be a whole number from 1 to 10000000, got "-5"\nusage: hub seed/);
    expect((await hub('seed', '--persons', '5', '--region', '620700', '--year', '2024', '--colour', 'red')).stderr).toMatch(
      /^error: unknown option --colour/,
    );
    expect((await hub('seed', '--persons')).stderr).toMatch(/^error: --persons needs a value/);
    expect((await hub('migrate', 'now')).stderr).toMatch(/^error: unexpected argument "now"/);
    expect((await hub('start', '--production=yes')).stderr).toMatch(/^error: --production takes no value/);
  });

  it('refuse a region the hub does not know unless asked', async () => {
    const unknown = await hub('seed', '--persons', '5', '--region', '999999', '--year', '2024');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --region 999999 is not a region the hub knows .*--allow-unknown-region/);
  });

  it('label a failure error: and exit 1 (a bad environment, here)', async () => {
    vi.stubEnv('HUB_DISPATCHER', 'sometimes');
    try {
      const result = await hub('migrate');
      expect(result).toMatchObject({ code: 1, stderr: 'error: HUB_DISPATCHER must be on or off, got "sometimes"\n' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
