import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, where it is installed (`.ci/run` installs it; set
 * `CHROMIUM_PATH` for another). Browser tests skip where there is none, so
 * `npm test` still runs on a machine without it.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests run: where Chromium is installed, and always in CI
 * (`CI=true`), where a missing browser must fail the run rather than skip it.
 */
export const browserTestsRun = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

/** Where browser tests keep their screenshots: kept after the run, under the test output. */
export const SCREENSHOT_DIR = path.resolve('test-output', 'screenshots');

/**
 * Starts headless Chromium as this machine allows it: as root without the
 * sandbox, and without the background networking that a closed network
 * refuses (updates, sync, QUIC probes). Playwright gives each browser an
 * empty temporary profile of its own (it refuses `--user-data-dir` here).
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
