import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, CONSOLE_PATHS, extractDataUrls } from '../../src/server/console.js';
import { browserTestsRun, launchBrowser, SCREENSHOT_DIR } from '../support/browser.js';
import { certify, createHousehold } from '../support/factory.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/** The README tour's first query. */
const TOUR_QUERY =
  '{ persons(first: 1, filter: {regionPrefix: "620702", category: MINIMUM_LIVING}) { totalCount edges { node { name idNumber } } } }';

let hub: TestHub;
let credentials: { clientId: string; clientSecret: string };

beforeAll(async () => {
  hub = await startTestHub();
  const { members } = await createHousehold(hub.db, '620702', 2);
  await certify(hub.db, members[0]!.id, 'MINIMUM_LIVING', '2020-01-01');
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
  it('serves a page to a browser without a token, under a self-only Content-Security-Policy, no script inline', async () => {
    const response = await fetch(hub.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    for (const directive of ['default-src', 'script-src', 'worker-src', 'style-src', 'font-src', 'img-src', 'connect-src']) {
      const sources = CONSOLE_CSP.split('; ')
        .find((d) => d.startsWith(`${directive} `))!
        .split(' ')
        .slice(1);
      expect(sources.every((source) => ["'self'", "'none'", "'unsafe-inline'"].includes(source))).toBe(true);
    }
    expect(CONSOLE_CSP).toContain("script-src 'self';");
    const page = await response.text();
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(page).toContain(`src="${CONSOLE_PATHS.graphiqlScript}"`);
  });

  it('serves GraphiQL and its editor workers from the installed package, compressed when asked, with nothing to fetch elsewhere', async () => {
    const script = await fetch(`${hub.origin}${CONSOLE_PATHS.graphiqlScript}`, { headers: { 'accept-encoding': 'identity' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('renderYogaGraphiQL');
    const raw = await getRaw(`${hub.origin}${CONSOLE_PATHS.graphqlWorker}`, { 'accept-encoding': 'gzip, deflate' });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toContain('GraphQLWorker');
    // The style sheet's fonts and images are files of the hub: no data: URL (the policy has none), no other origin.
    const style = await (await fetch(`${hub.origin}${CONSOLE_PATHS.graphiqlStyle}`)).text();
    expect(style).not.toMatch(/url\(\s*['"]?(data:|https?:)/);
    const files = [...style.matchAll(/url\((\/console\/assets\/[^)]+)\)/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    const font = await fetch(`${hub.origin}${files.find((f) => /\.(woff2?|ttf)$/.test(f))}`);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toMatch(/^font\//);
  });

  it('cuts data: URLs out of a style sheet into files named by their content', () => {
    const { css, files } = extractDataUrls(
      'a{background:url("data:image/svg+xml;base64,PHN2Zy8+")} b{src:url(data:font/woff2;base64,AAEC)}',
    );
    expect(css).not.toContain('data:');
    expect([...files.values()].map((f) => [f.type, f.body.toString('base64')])).toEqual([
      ['image/svg+xml', 'PHN2Zy8+'],
      ['font/woff2', 'AAEC'],
    ]);
    expect([...files.keys()].every((p) => css.includes(`url(${p})`))).toBe(true);
  });

  it('answers 404 for a path below /console that is none of its files', async () => {
    expect((await fetch(`${hub.origin}/console/secrets.js`)).status).toBe(404);
    expect((await fetch(`${hub.origin}/console/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
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

/** A GET as sent, its body as received (fetch would decompress it). */
function getRaw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

/** The text of a GraphiQL (Monaco) editor, line by line as it shows them. */
async function editorText(page: Page, selector: string): Promise<string> {
  // Monaco positions its lines absolutely; their order in the DOM is not the text's.
  const lines = await page.locator(`${selector} .view-lines .view-line`).evaluateAll((nodes) =>
    nodes
      .map((node) => ({ top: parseFloat(node.style.top), text: node.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text),
  );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

describe.runIf(browserTestsRun)('the console in a browser', () => {
  it('signs in, offers the client purposes, shows its agency schema and runs the tour query, with no request beyond the hub', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      // GraphiQL is a 5 MB script: on a loaded machine its first load and parse take a while.
      page.setDefaultTimeout(90_000);
      const outside: string[] = [];
      const problems: string[] = [];
      const graphqlRequests: Request[] = [];
      await page.addInitScript(
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))",
      );
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      // Every request of the page and its workers, whoever makes it: only the hub may be asked.
      context.on('request', (request) => {
        if (!request.url().startsWith(hub.origin)) outside.push(request.url());
        if (request.url() === `${hub.origin}/graphql` && request.method() === 'POST') graphqlRequests.push(request);
      });
      await context.route('**/*', (route) => (route.request().url().startsWith(hub.origin) ? route.continue() : route.abort()));

      await page.goto(`${hub.origin}/graphql`);
      await page.fill('#client-id', credentials.clientId);
      await page.fill('#client-secret', credentials.clientSecret);
      await page.click('#sign-in button[type=submit]');
      await page.waitForSelector('#session:not([hidden])');
      expect(await page.textContent('#who')).toBe('CIVIL_AFFAIRS · 6207');
      const purposes = await page.locator('#purpose option').allTextContents();
      expect(purposes).toEqual(['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP']);

      // GraphiQL reads the schema with the token: the agency's view, in its documentation explorer.
      await page.waitForSelector('.graphiql-query-editor .view-lines');
      await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
      await page.click('.graphiql-doc-explorer-root-type + a.graphiql-doc-explorer-type-name >> text=Query');
      const queryFields = await page.locator('.graphiql-doc-explorer-field-name').allTextContents();
      expect(queryFields).toContain('persons');
      const introspection = graphqlRequests.find((r) => (r.postData() ?? '').includes('IntrospectionQuery'))!;
      const schema = JSON.stringify(await (await introspection.response())!.json());
      expect(schema).toContain('"persons"');
      // Civil affairs certifies; settling a claim is medical insurance's, and does not exist in this view.
      expect(schema).not.toContain('settleClaim');

      await page.selectOption('#purpose', 'ASSISTANCE_ELIGIBILITY');
      await page.click('.graphiql-query-editor .view-lines');
      await page.keyboard.press('Control+A');
      // Pasted, as a reader of the README would (typed, the editor would close each brace it opens).
      await page.evaluate(`{
        const data = new DataTransfer();
        data.setData('text/plain', ${JSON.stringify(TOUR_QUERY)});
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }`);
      expect(await editorText(page, '.graphiql-query-editor')).toBe(TOUR_QUERY);
      const sent = graphqlRequests.length;
      await page.click('.graphiql-execute-button');
      await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 30_000 }).toContain('totalCount');
      const answer = JSON.parse(await editorText(page, '.graphiql-response')) as {
        data?: { persons: { totalCount: number; edges: { node: { name: string; idNumber: string } }[] } };
        errors?: unknown;
      };
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.persons.totalCount).toBeGreaterThan(0);
      expect(answer.data!.persons.edges[0]!.node.idNumber).toMatch(/^620702/);
      // The run carried the token and the chosen purpose.
      const run = graphqlRequests.slice(sent).find((r) => (r.postData() ?? '').includes('persons(first: 1'))!;
      const headers = await run.allHeaders();
      expect(headers.authorization).toMatch(/^Bearer ey/);
      expect(headers['x-purpose']).toBe('ASSISTANCE_ELIGIBILITY');

      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'console.png') });
      // Nothing of the answers or the token is kept in the browser: GraphiQL's store is the page's memory.
      expect(await page.evaluate('[localStorage.length, sessionStorage.length, location.search]')).toEqual([0, 0, '']);
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);

  it('refuses a wrong secret and shows no GraphiQL', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(90_000);
      await page.goto(`${hub.origin}/graphql`);
      await page.fill('#client-id', credentials.clientId);
      await page.fill('#client-secret', 'not-the-secret');
      await page.click('#sign-in button[type=submit]');
      await expect.poll(() => page.textContent('#sign-in-error'), { timeout: 20_000 }).not.toBe('');
      expect(await page.isHidden('#graphiql')).toBe(true);
      expect(await page.locator('.graphiql-container').count()).toBe(0);
    } finally {
      await close();
    }
  }, 180_000);
});
