import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../src/modules/seed/seed.service.js';
import { DASHBOARD_CSP, DASHBOARD_PATHS } from '../../src/server/dashboard.js';
import { StatisticsDocument, type StatisticsDimension, type StatisticsMeasure, type StatisticsQuery } from '../generated/operations.js';
import { browserTestsRun, launchBrowser, SCREENSHOT_DIR } from '../support/browser.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let analyst: { clientId: string; clientSecret: string };
let health: { clientId: string; clientSecret: string };
/** A token of another ANALYST client of the same jurisdiction: the API's answer that the page must show. */
let analystToken: string;

beforeAll(async () => {
  hub = await startTestHub();
  await seed(hub.pool, { persons: 3000, region: '620700', year: 2024, seed: 13 });
  analyst = await hub.clients.create({ name: 'dashboard analyst', agency: 'ANALYST', jurisdiction: '6207' });
  health = await hub.clients.create({ name: 'dashboard health', agency: 'HEALTH', jurisdiction: '6207' });
  analystToken = (await hub.client('ANALYST', '6207')).token;
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

describe('the dashboard at GET /dashboard', () => {
  it('serves a page without data to anyone, under a self-only Content-Security-Policy, its scripts as files', async () => {
    const response = await fetch(`${hub.origin}${DASHBOARD_PATHS.page}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    const page = await response.text();
    expect(page).not.toMatch(/https?:\/\//);
    // No inline script: every <script> names a file of the hub.
    expect(page).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(page).toContain(`src="${DASHBOARD_PATHS.charts}"`);
  });

  it('serves the charting library from the installed package, not from a CDN', async () => {
    const response = await fetch(`${hub.origin}${DASHBOARD_PATHS.charts}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const library = await response.text();
    expect(library.length).toBeGreaterThan(100_000);
    expect(library).toContain('echarts');
  });

  it('answers 404 for a path below /dashboard that is none of its assets', async () => {
    expect((await fetch(`${hub.origin}/dashboard/secrets.js`)).status).toBe(404);
    expect((await fetch(`${hub.origin}/dashboard/..%2Fpackage.json`)).status).toBe(404);
  });
});

/** The panels the page draws: measure and dimension. */
const PANELS: Record<string, { measure: StatisticsMeasure; by: StatisticsDimension }> = {
  coverage: { measure: 'COVERAGE_RATE', by: 'REGION' },
  protection: { measure: 'PROTECTION_RATE', by: 'REGION' },
  burden: { measure: 'BURDEN_RATE', by: 'REGION' },
  persons: { measure: 'PERSONS', by: 'CATEGORY' },
  assistance: { measure: 'ASSISTANCE_PAID', by: 'MONTH' },
  subsidy: { measure: 'SUBSIDY_PAID', by: 'MONTH' },
  alerts: { measure: 'ALERTS', by: 'OUTCOME' },
  'carry-over': { measure: 'CARRY_OVER_RATE', by: 'REGION' },
};

type Cell = StatisticsQuery['statistics']['cells'][number];

async function apiTable(measure: StatisticsMeasure, by: StatisticsDimension) {
  const response = await hub.request(
    StatisticsDocument,
    { input: { measure, year: 2024, regionPrefix: '6207', by: [by] } },
    { token: analystToken, purpose: 'POLICY_EVALUATION' },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.statistics;
}

/** The first column of a cell's row as the page labels it. */
function label(cell: Cell, by: StatisticsDimension): string {
  const value = { REGION: cell.region, CATEGORY: cell.category, MONTH: cell.month, OUTCOME: cell.outcome }[by as 'REGION'];
  if (value === null || value === undefined) return by === 'CATEGORY' ? 'no category' : '';
  return by === 'MONTH' ? String(value).padStart(2, '0') : String(value);
}

/** The table's rows as text, header first. */
async function tableText(page: Page, panel: string): Promise<string[][]> {
  const header = await page.locator(`#panel-${panel} thead th`).allTextContents();
  const rows: string[][] = [header];
  for (const row of await page.locator(`#panel-${panel} tbody tr`).all()) rows.push(await row.locator('td').allTextContents());
  return rows;
}

async function signIn(page: Page, credentials: { clientId: string; clientSecret: string }) {
  await page.goto(`${hub.origin}/dashboard?year=2024`);
  await page.fill('#client-id', credentials.clientId);
  await page.fill('#client-secret', credentials.clientSecret);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#workspace:not([hidden])');
  await page.waitForSelector('#panels[data-ready=true]', { timeout: 60_000 });
}

describe.runIf(browserTestsRun)('the dashboard in a browser', () => {
  it('signs an analyst in and shows, per panel, a chart and a table with the numbers the API publishes to it, suppressed cells as suppressed', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
      await signIn(page, analyst);
      expect(await page.textContent('#who')).toContain('ANALYST · 6207 · POLICY_EVALUATION');
      let suppressed = 0;
      for (const [panel, { measure, by }] of Object.entries(PANELS)) {
        expect(await page.getAttribute(`#panel-${panel}`, 'data-ready'), panel).toBe('true');
        expect(await page.locator(`#panel-${panel} .chart canvas`).count(), panel).toBeGreaterThan(0);
        const table = await apiTable(measure, by);
        const inner = table.cells.filter((cell) => cell.margin.length === 0);
        const rows = (await tableText(page, panel)).slice(1);
        expect(
          rows.map((row) => row[0]),
          panel,
        ).toEqual([...inner.map((cell) => label(cell, by)), 'Total']);
        for (const [index, cell] of [...inner, table.total].entries()) {
          const row = rows[index]!;
          if (cell.suppressed) {
            suppressed++;
            expect(
              row.slice(1).every((text) => text === 'suppressed'),
              `${panel} ${row[0]}`,
            ).toBe(true);
          } else {
            expect(row[1], `${panel} ${row[0]}`).toBe(cell.value === null ? '' : String(cell.value));
            expect(row[2], `${panel} ${row[0]}`).toBe(String(cell.persons));
            expect(row.includes('suppressed')).toBe(false);
          }
        }
        // The chart draws the same inner cells: the values, and a marked empty bar where a cell is suppressed.
        const drawn = (await page.evaluate(
          `echarts.getInstanceByDom(document.querySelector('#panel-${panel} .chart')).getOption().series[0].data`,
        )) as { value: number | null; label?: { formatter?: string } }[];
        expect(drawn.length, panel).toBe(inner.length);
        for (const [index, cell] of inner.entries()) {
          if (cell.suppressed) expect(drawn[index]!.label?.formatter).toBe('suppressed');
          else expect(drawn[index]!.value, `${panel} ${label(cell, by)}`).toBe(cell.value === null ? null : Number(cell.value));
        }
      }
      // The test means something only if the API hid cells from the analyst.
      expect(suppressed).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });
      if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
        await page.screenshot({ path: path.resolve('docs', 'dashboard.png'), clip: { x: 0, y: 0, width: 1280, height: 900 } });
      }
      expect(outside).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);

  it('downloads as CSV exactly the table it shows, suppressed cells included as suppressed', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      await signIn(page, analyst);
      let suppressed = 0;
      for (const panel of ['persons', 'alerts', 'coverage']) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#panel-${panel} button.csv`)]);
        expect(download.suggestedFilename()).toMatch(/\.csv$/);
        const csv = await readFile((await download.path())!, 'utf8');
        const lines = csv.trimEnd().split('\r\n');
        const table = await tableText(page, panel);
        expect(lines).toEqual(table.map((row) => row.join(',')));
        suppressed += lines.filter((line) => line.includes('suppressed')).length;
      }
      expect(suppressed).toBeGreaterThan(0);
    } finally {
      await close();
    }
  }, 120_000);

  it('shows a client without statistics in its view the refusal, and draws nothing', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage();
      await signIn(page, health);
      expect(await page.textContent('#who')).toContain('HEALTH');
      expect(await page.locator('.chart canvas').count()).toBe(0);
      expect(await page.locator('table').count()).toBe(0);
      const errors = await page.locator('.panel p.error').allTextContents();
      expect(errors).toHaveLength(Object.keys(PANELS).length);
      expect(errors[0]).toMatch(/statistics/i);
    } finally {
      await close();
    }
  }, 120_000);

  it('refuses a wrong secret and shows no panel', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${hub.origin}/dashboard`);
      await page.fill('#client-id', analyst.clientId);
      await page.fill('#client-secret', 'not-the-secret');
      await page.click('#sign-in button[type=submit]');
      await expect.poll(() => page.textContent('#sign-in-error'), { timeout: 20_000 }).not.toBe('');
      expect(await page.isHidden('#workspace')).toBe(true);
      expect(await page.locator('.panel').count()).toBe(0);
    } finally {
      await close();
    }
  }, 60_000);
});
