import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCase } from '../../../src/modules/policy/policy-case.js';
import { allCaseFiles, FIXTURE_CASES_DIR, hubCaseFiles, policyCaseFiles, SHARED_CASES_DIR } from '../../fixtures/policy-cases.js';

const files = allCaseFiles();

describe('policy cases', () => {
  it('finds the shared case files and the hub’s own', () => {
    expect(policyCaseFiles().length).toBeGreaterThanOrEqual(19);
    expect(hubCaseFiles().length).toBeGreaterThanOrEqual(11);
  });

  it('gives every case a unique name', () => {
    const names = files.map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(files.map((file) => [path.basename(file), file]))('%s evaluates to its expected outcome', (_name, file) => {
    const policyCase = JSON.parse(readFileSync(file, 'utf8')) as { name: string; expect: Record<string, unknown> };
    const outcome = evaluateCase(policyCase);
    expect(outcome.name).toBe(policyCase.name);
    expect(outcome).toMatchObject(policyCase.expect);
  });

  it.skipIf(!existsSync(SHARED_CASES_DIR))('keeps test/fixtures/policy-cases byte-identical to ../shared/policy-cases', () => {
    const shared = readdirSync(SHARED_CASES_DIR).sort();
    expect(readdirSync(FIXTURE_CASES_DIR).sort()).toEqual(shared);
    for (const name of shared) {
      expect(readFileSync(path.join(FIXTURE_CASES_DIR, name)).equals(readFileSync(path.join(SHARED_CASES_DIR, name))), name).toBe(true);
    }
  });
});
