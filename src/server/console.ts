import { createHash } from 'node:crypto';
import type http from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/**
 * The hub's own console: `GET /graphql` in a browser (`Accept: text/html`)
 * answers GraphiQL, served by the hub itself from the npm package
 * `@graphql-yoga/render-graphiql` (GraphiQL, React and the Monaco editor
 * bundled into one script, its style sheet and three editor workers). Nothing
 * loads from a CDN, so the console works on a closed network: the package's
 * scripts and workers become files of the hub, and the fonts and images its
 * style sheet carries as `data:` URLs become files too, so the
 * Content-Security-Policy allows the hub's own origin and nothing else (no
 * inline script, no `data:`, no `blob:`).
 *
 * The page signs in with a client's id and secret at `/oauth/token`, keeps the
 * token in memory only, offers the purposes the token answer carries as
 * `X-Purpose`, and gives GraphiQL a fetcher that sends both headers: GraphiQL's
 * introspection then shows the agency's own view of the schema. GraphiQL keeps
 * its tabs, history and answers in an in-memory store, never in the browser's
 * storage (answers hold personal data).
 */
export const CONSOLE_PATHS = {
  page: '/graphql',
  script: '/console/console.js',
  style: '/console/console.css',
  graphiqlScript: '/console/graphiql.js',
  graphiqlStyle: '/console/graphiql.css',
  editorWorker: '/console/editor.worker.js',
  jsonWorker: '/console/json.worker.js',
  graphqlWorker: '/console/graphql.worker.js',
} as const;

/** Where the files cut out of GraphiQL's style sheet (fonts, images) and its icon are served, by content hash. */
const ASSET_PREFIX = '/console/assets/';

/**
 * Self only: the page, its scripts, workers, styles, fonts and images and its
 * requests all come from the hub, and no script is inline (GraphiQL's is a
 * file, so no nonce or hash is needed). Styles are the one allowance: the
 * Monaco editor lays out every line with a `style` attribute and writes its
 * icon rules into a `<style>` element at run time, so `style-src` allows
 * inline styles, which load nothing (fonts and images stay 'self').
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Whether a `/graphql` request is a browser asking for a page (a GET preferring HTML, with no GraphQL in it). */
export function wantsConsole(req: http.IncomingMessage, url: URL): boolean {
  if (req.method !== 'GET' || url.searchParams.has('query') || url.searchParams.has('documentId')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

/** Whether `pathname` is one of the console's asset paths (the page itself is `/graphql`). */
export function isConsolePath(pathname: string): boolean {
  return pathname.startsWith('/console/');
}

interface Asset {
  type: string;
  body: Buffer;
  /** The gzip-compressed body, made on first demand. */
  gzipped?: Promise<Buffer>;
  cache: string;
}

/** The package's files change only with the installed package: a browser may keep them for an hour. */
const PACKAGE_CACHE = 'public, max-age=3600';

let packageAssets: Promise<Map<string, Asset>> | undefined;

/** GraphiQL's files, read once from the installed package on the first request that needs them (not at start-up: 9 MB). */
function loadPackageAssets(): Promise<Map<string, Asset>> {
  packageAssets ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const assets = new Map<string, Asset>();
    const add = (path: string, type: string, body: string | Buffer, cache = PACKAGE_CACHE) =>
      assets.set(path, { type, body: typeof body === 'string' ? Buffer.from(body) : body, cache });
    const style = extractDataUrls(bundle.css);
    for (const [path, file] of style.files) add(path, file.type, file.body, 'public, max-age=86400, immutable');
    const icon = decodeDataUrl(bundle.favicon);
    if (icon) add(FAVICON_PATH, icon.type, icon.body);
    add(CONSOLE_PATHS.graphiqlScript, 'text/javascript; charset=utf-8', bundle.js);
    add(CONSOLE_PATHS.graphiqlStyle, 'text/css; charset=utf-8', style.css);
    add(CONSOLE_PATHS.editorWorker, 'text/javascript; charset=utf-8', bundle.editorWorkerService);
    add(CONSOLE_PATHS.jsonWorker, 'text/javascript; charset=utf-8', bundle.jsonWorker);
    add(CONSOLE_PATHS.graphqlWorker, 'text/javascript; charset=utf-8', bundle.graphqlWorker);
    return assets;
  });
  return packageAssets;
}

const FAVICON_PATH = '/console/favicon';

/** A `data:` URL's media type and bytes; undefined for anything else. */
export function decodeDataUrl(url: string): { type: string; body: Buffer } | undefined {
  const match = /^data:([^;,]+)(?:;[^;,]+)*?(;base64)?,(.*)$/s.exec(url.trim());
  if (!match) return undefined;
  const [, type, base64, data] = match as RegExpExecArray & [string, string, string | undefined, string];
  return { type, body: base64 ? Buffer.from(data, 'base64') : Buffer.from(decodeURIComponent(data)) };
}

const EXTENSIONS: Record<string, string> = {
  'font/ttf': 'ttf',
  'font/woff': 'woff',
  'font/woff2': 'woff2',
  'image/png': 'png',
  'image/svg+xml': 'svg',
  'image/x-icon': 'ico',
};

/**
 * Cuts every `url(data:…)` out of a style sheet: each becomes a file under
 * `/console/assets/`, named by the hash of its bytes, and the sheet points at
 * it. A `data:` URL the sheet keeps would need `data:` in the policy.
 */
export function extractDataUrls(css: string): { css: string; files: Map<string, { type: string; body: Buffer }> } {
  const files = new Map<string, { type: string; body: Buffer }>();
  const rewritten = css.replace(/url\(\s*(['"]?)(data:[^'")]*)\1\s*\)/g, (whole, _quote: string, url: string) => {
    const file = decodeDataUrl(url);
    if (!file) return whole;
    const hash = createHash('sha256').update(file.body).digest('hex').slice(0, 16);
    const path = `${ASSET_PREFIX}${hash}.${EXTENSIONS[file.type] ?? 'bin'}`;
    files.set(path, file);
    return `url(${path})`;
  });
  return { css: rewritten, files };
}

let ownAssets: Map<string, Asset> | undefined;

/** The console's own page, script and style (the hub's code, not the package's). */
function loadOwnAssets(): Map<string, Asset> {
  ownAssets ??= new Map<string, Asset>([
    [CONSOLE_PATHS.page, { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml()), cache: 'no-store' }],
    [CONSOLE_PATHS.script, { type: 'text/javascript; charset=utf-8', body: Buffer.from(scriptJs()), cache: 'no-store' }],
    [CONSOLE_PATHS.style, { type: 'text/css; charset=utf-8', body: Buffer.from(STYLE), cache: 'no-store' }],
  ]);
  return ownAssets;
}

const gzipAsync = promisify(gzip);

/** Serves the console's page or one of its assets; false when `pathname` is none of them. */
export async function serveConsole(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<boolean> {
  const asset = loadOwnAssets().get(pathname) ?? (isConsolePath(pathname) ? (await loadPackageAssets()).get(pathname) : undefined);
  if (!asset) return false;
  res.statusCode = 200;
  res.setHeader('Content-Type', asset.type);
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // The page holds no data; the token lives only in the page's memory.
  res.setHeader('Cache-Control', asset.cache);
  res.setHeader('Vary', 'Accept-Encoding');
  // GraphiQL's script is 5 MB, a fifth of that compressed: worth it beyond localhost.
  if (asset.body.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    asset.gzipped ??= gzipAsync(asset.body);
    res.setHeader('Content-Encoding', 'gzip');
    res.end(await asset.gzipped);
    return true;
  }
  res.end(asset.body);
  return true;
}

/** The tour's first query: what the editor shows before anything was typed. */
const DEFAULT_QUERY = `# Sign-in done: this runs with your token and the purpose chosen above.
{
  viewer {
    agency
    jurisdiction
    purposes
  }
}
`;

function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hub console</title>
<link rel="icon" href="${FAVICON_PATH}">
<link rel="stylesheet" href="${CONSOLE_PATHS.graphiqlStyle}">
<link rel="stylesheet" href="${CONSOLE_PATHS.style}">
<script src="${CONSOLE_PATHS.graphiqlScript}" defer></script>
<script src="${CONSOLE_PATHS.script}" defer></script>
</head>
<body>
<header id="bar">
  <h1>Medical-assistance hub console</h1>
  <form id="sign-in">
    <label>Client id <input id="client-id" name="client_id" autocomplete="username" required></label>
    <label>Client secret <input id="client-secret" name="client_secret" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
    <output id="sign-in-error"></output>
  </form>
  <div id="session" hidden>
    <span id="who"></span>
    <label>Purpose (X-Purpose) <select id="purpose"></select></label>
    <button id="sign-out" type="button">Sign out</button>
  </div>
</header>
<main id="graphiql" hidden></main>
<p id="signed-out-note">Sign in with a client's id and secret: the console asks <code>/oauth/token</code> for a token,
keeps it in this page's memory only, and shows GraphiQL with your agency's view of the schema.</p>
</body>
</html>
`;
}

const STYLE = `[hidden]{display:none!important}
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;font:14px system-ui,sans-serif;color:#1d2430}
#bar{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;padding:6px 16px;background:#24506b;color:#fff}
#bar h1{font-size:15px;margin:0}
#bar form,#session{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
#bar input,#bar select,#bar button{font:inherit;margin-left:4px}
#sign-in-error{color:#ffd2c8}
#signed-out-note{padding:12px 16px;max-width:60em}
#graphiql{flex:1;min-height:0}
#graphiql>.graphiql-container{height:100%}
`;

// Plain browser JavaScript (no build step): the token stays in this closure, never in storage.
function scriptJs(): string {
  return `'use strict';
(() => {
  const WORKERS = {
    editorWorkerService: ${JSON.stringify(CONSOLE_PATHS.editorWorker)},
    json: ${JSON.stringify(CONSOLE_PATHS.jsonWorker)},
    graphql: ${JSON.stringify(CONSOLE_PATHS.graphqlWorker)},
  };
  // The editor's workers are files of the hub (worker-src 'self'), not blob: URLs.
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => WORKERS[label] || WORKERS.editorWorkerService };

  let token = null;
  const $ = (id) => document.getElementById(id);

  /** GraphiQL's tabs, history and answers: in this page's memory, never in localStorage (answers hold personal data). */
  const memory = new Map();
  const storage = {
    getItem: (key) => (memory.has(key) ? memory.get(key) : null),
    setItem: (key, value) => void memory.set(key, String(value)),
    removeItem: (key) => void memory.delete(key),
    clear: () => memory.clear(),
    get length() {
      return memory.size;
    },
  };

  /** Every GraphiQL request, introspection included: the token and the purpose chosen above, after the headers typed in the editor. */
  async function fetcher(params, options) {
    const headers = { ...((options && options.headers) || {}), 'content-type': 'application/json', accept: 'application/json' };
    headers.authorization = 'Bearer ' + token;
    const purpose = $('purpose').value;
    if (purpose) headers['x-purpose'] = purpose;
    const response = await fetch(${JSON.stringify(CONSOLE_PATHS.page)}, {
      method: 'POST',
      headers,
      body: JSON.stringify(params),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error('HTTP ' + response.status + ': ' + text.slice(0, 200));
    }
  }

  async function signIn(event) {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: $('client-id').value, client_secret: $('client-secret').value });
    const response = await fetch('/oauth/token', { method: 'POST', body, credentials: 'omit', cache: 'no-store' });
    const answer = await response.json();
    if (!response.ok) {
      $('sign-in-error').textContent = answer.error_description || answer.error || 'sign-in refused';
      return;
    }
    token = answer.access_token;
    $('client-secret').value = '';
    // The purposes the token carries (RFC 6749 scope); the viewer says who the hub takes this client to be.
    const purposes = (answer.scope || '').split(' ').filter(Boolean);
    $('purpose').replaceChildren(...purposes.map((p) => new Option(p, p)));
    const viewer = await fetcher({ query: '{ viewer { agency jurisdiction } }' });
    const who = viewer.data && viewer.data.viewer;
    $('who').textContent = who ? who.agency + ' · ' + (who.jurisdiction || 'whole country') : 'signed in';
    $('sign-in').hidden = true;
    $('signed-out-note').hidden = true;
    $('session').hidden = false;
    $('graphiql').hidden = false;
    YogaGraphiQL.renderYogaGraphiQL($('graphiql'), {
      title: 'Medical-assistance hub',
      fetcher,
      storage,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      shouldPersistHeaders: false,
      // Yoga's GraphiQL copies the query into the address bar; the hub keeps it out of the browser's history.
      onEditQuery: () => {},
    });
    if (answer.expires_in > 0) setTimeout(() => signOut('the token expired: sign in again'), answer.expires_in * 1000);
  }

  function signOut(reason) {
    token = null;
    // A fresh page forgets the token, GraphiQL's tabs and its answers.
    history.replaceState(null, '', location.pathname + (reason ? '#' + encodeURIComponent(reason) : ''));
    location.reload();
  }

  document.addEventListener('DOMContentLoaded', () => {
    if (location.hash) $('sign-in-error').textContent = decodeURIComponent(location.hash.slice(1));
    $('sign-in').addEventListener('submit', (event) => signIn(event).catch((e) => ($('sign-in-error').textContent = e.message)));
    $('sign-out').addEventListener('click', () => signOut(''));
  });
})();
`;
}
