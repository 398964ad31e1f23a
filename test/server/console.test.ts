import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/server/console.js';
import { browserTestsRun, launchBrowser, SCREENSHOT_DIR } from '../support/browser.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/** The README tour's first query. */
const TOUR_QUERY =
  '{ persons(first: 1, filter: {regionPrefix: "620702", category: MINIMUM_LIVING}) { totalCount edges { node { name idNumber } } } }';

let hub: TestHub;
let credentials: { clientId: string; clientSecret: string };

beforeAll(async () => {
  hub = await startTestHub();
  credentials = await hub.clients.create({
    name: 'console civil affairs',
    agency: 'CIVIL_AFFAIRS',
    jurisdiction: '6207',
    limits: { trustedDocumentsOnly: false },
  });
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('the console at GET /graphql', () => {
  it('serves a page to a browser without a token, under a self-only Content-Security-Policy', async () => {
    const response = await fetch(hub.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    const page = await response.text();
    expect(page).not.toMatch(/https?:\/\//);
  });

  it('still refuses a GraphQL request without a token', async () => {
    const response = await fetch(`${hub.url}?query=${encodeURIComponent('{ viewer { agency } }')}`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
  });

  it('does not serve the console for a JSON request', async () => {
    const response = await fetch(hub.url, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(401);
  });
});

describe.runIf(browserTestsRun)('the console in a browser', () => {
  it('signs in, offers the client purposes, shows its agency schema and runs the tour query, with no request beyond the hub', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage();
      const outside: string[] = [];
      const violations: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) violations.push(message.text());
      });
      await page.route('**/*', (route) => {
        if (route.request().url().startsWith(hub.origin)) return route.continue();
        outside.push(route.request().url());
        return route.abort();
      });
      await page.goto(`${hub.origin}/graphql`);
      await page.fill('#client-id', credentials.clientId);
      await page.fill('#client-secret', credentials.clientSecret);
      await page.click('button[type=submit]');
      await page.waitForSelector('#workspace:not([hidden])');
      expect(await page.textContent('#who')).toContain('CIVIL_AFFAIRS');
      const purposes = await page.locator('#purpose option').allTextContents();
      expect(purposes).toContain('ASSISTANCE_ELIGIBILITY');
      // The agency's view: civil affairs has the alerts but not the settlement mutation.
      await page.waitForSelector('#schema summary');
      const schemaText = (await page.textContent('#schema')) ?? '';
      expect(schemaText).toContain('persons');
      expect(schemaText).not.toContain('settleClaim');
      await page.selectOption('#purpose', 'ASSISTANCE_ELIGIBILITY');
      await page.fill('#query', TOUR_QUERY);
      await page.click('#run');
      await expect.poll(() => page.textContent('#result'), { timeout: 20_000 }).toContain('"data"');
      const answer = JSON.parse((await page.textContent('#result')) ?? '') as {
        data?: { persons: { totalCount: number } };
        errors?: unknown;
      };
      expect(answer.errors).toBeUndefined();
      expect(typeof answer.data?.persons.totalCount).toBe('number');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'console.png'), fullPage: true });
      expect(outside).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('refuses a wrong secret and keeps the workspace hidden', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${hub.origin}/graphql`);
      await page.fill('#client-id', credentials.clientId);
      await page.fill('#client-secret', 'not-the-secret');
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('#sign-in-error'), { timeout: 20_000 }).not.toBe('');
      expect(await page.isHidden('#workspace')).toBe(true);
    } finally {
      await close();
    }
  }, 60_000);
});
