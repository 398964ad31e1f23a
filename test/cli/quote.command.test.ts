import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQuote } from '../../src/cli/quote.command.js';
import { allCaseFiles, hubCaseFiles, policyCaseFiles } from '../fixtures/policy-cases.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hub-quote-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASE = readFileSync(policyCaseFiles()[0]!, 'utf8');

function write(name: string, content: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

interface CaseJson {
  [key: string]: unknown;
  person: Record<string, unknown>;
  visit: Record<string, unknown>;
}

/** A valid case with one field replaced. */
function variant(name: string, change: (data: CaseJson) => void): string {
  const data = JSON.parse(CASE) as CaseJson;
  change(data);
  return write(name, JSON.stringify(data));
}

async function quote(files: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runQuote(files, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { status, out, err };
}

describe('runQuote', () => {
  it('prints one line per case file, shared and the hub’s own (residual ones included), in order, with the expected values, and returns 0', async () => {
    const files = allCaseFiles();
    expect(files.length).toBe(policyCaseFiles().length + hubCaseFiles().length);
    const { status, out, err } = await quote(files);
    expect(err).toEqual([]);
    expect(status).toBe(0);
    expect(out).toHaveLength(files.length);
    files.forEach((file, index) => {
      const policyCase = JSON.parse(readFileSync(file, 'utf8')) as { name: string; expect: Record<string, unknown> };
      const line = JSON.parse(out[index]!) as Record<string, unknown>;
      expect(line).toMatchObject({ name: policyCase.name, ...policyCase.expect });
      expect(line).not.toHaveProperty('explanation');
    });
  });

  it('prints the README line for a settlement case, keys in expect order', async () => {
    const file = policyCaseFiles().find((f) => f.endsWith('gansu-minimum-living-class1-inpatient.json'))!;
    expect((await quote([file])).out).toEqual([
      '{"name":"gansu-minimum-living-class1-inpatient","category":"MINIMUM_LIVING","assistance":"7200.00","tilt":"0.00","outOfPocket":"5800.00","alert":false}',
    ]);
  });

  it('accepts a case without expect', async () => {
    const { status, out } = await quote([variant('no-expect.json', (data) => delete data.expect)]);
    expect(status).toBe(0);
    expect(out).toHaveLength(1);
  });

  it('returns 2 with a message for a file that is not JSON', async () => {
    const file = write('bad.json', '{"name": "x",');
    const { status, out, err } = await quote([file]);
    expect(status).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(file);
    expect(err[0]).toContain('not valid JSON');
  });

  it('returns 2 naming the field for an unknown rule set', async () => {
    const { status, err } = await quote([variant('rule-set.json', (data) => (data.ruleSet = 'beijing-2024'))]);
    expect(status).toBe(2);
    expect(err[0]).toMatch(/ruleSet: unknown rule set "beijing-2024"/);
  });

  it('returns 2 naming the field for a malformed amount', async () => {
    for (const amount of ['30000.001', '30,000.00', 30000, '-5.00']) {
      const { status, err } = await quote([variant('amount.json', (data) => (data.visit.totalCost = amount))]);
      expect(status).toBe(2);
      expect(err[0]).toContain('visit.totalCost: not an amount');
    }
  });

  it('returns 2 for an unknown category, a bad date and a missing field', async () => {
    const cases = [
      variant('category.json', (data) => (data.person.categories = [{ category: 'POOR' }])),
      variant('date.json', (data) => (data.serviceDate = '2023-02-30')),
      variant('missing.json', (data) => delete data.visit.inPolicyCost),
    ];
    const { status, err } = await quote(cases);
    expect(status).toBe(2);
    expect(err).toHaveLength(3);
    expect(err[0]).toContain('person.categories[0].category: unknown category "POOR"');
    expect(err[1]).toContain('serviceDate: not a date');
    expect(err[2]).toContain('visit.inPolicyCost: not an amount');
  });

  it('still quotes the valid files around an invalid or unreadable one', async () => {
    const good = policyCaseFiles()[0]!;
    const { status, out, err } = await quote([good, path.join(tmp, 'missing.json'), good]);
    expect(status).toBe(2);
    expect(out).toHaveLength(2);
    expect(err[0]).toContain('missing.json');
  });
});
