import type http from 'node:http';

/**
 * The hub's own console: `GET /graphql` in a browser (`Accept: text/html`)
 * answers a page whose script and style come from the hub itself, under a
 * Content-Security-Policy that allows nothing else. Nothing loads from a
 * CDN, so the console works on a closed network. The page signs in with a
 * client's credentials at `/oauth/token`, offers the purposes carried in the
 * token, and shows the agency's schema by introspection with that token.
 */
export const CONSOLE_PATHS = { script: '/console/console.js', style: '/console/console.css' } as const;

/** Self only: the page, its script, its style and its requests all come from the hub. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
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

/** Serves the console's page or one of its assets; false when `pathname` is none of them. */
export function serveConsole(res: http.ServerResponse, pathname: string): boolean {
  const asset =
    pathname === '/graphql'
      ? { type: 'text/html; charset=utf-8', body: PAGE }
      : pathname === CONSOLE_PATHS.script
        ? { type: 'text/javascript; charset=utf-8', body: SCRIPT }
        : pathname === CONSOLE_PATHS.style
          ? { type: 'text/css; charset=utf-8', body: STYLE }
          : undefined;
  if (!asset) return false;
  res.statusCode = 200;
  res.setHeader('Content-Type', asset.type);
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // The page holds no data; the token lives only in the page's memory.
  res.setHeader('Cache-Control', 'no-store');
  res.end(asset.body);
  return true;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hub console</title>
<link rel="stylesheet" href="${CONSOLE_PATHS.style}">
<script src="${CONSOLE_PATHS.script}" defer></script>
</head>
<body>
<header><h1>Medical-assistance hub console</h1><span id="who">signed out</span></header>
<form id="sign-in">
  <label>Client id <input id="client-id" name="client_id" autocomplete="username" required></label>
  <label>Client secret <input id="client-secret" name="client_secret" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
  <output id="sign-in-error"></output>
</form>
<main id="workspace" hidden>
  <section>
    <label>Purpose (X-Purpose) <select id="purpose"></select></label>
    <textarea id="query" spellcheck="false" rows="14">{ viewer { agency } }</textarea>
    <label>Variables (JSON) <textarea id="variables" spellcheck="false" rows="3"></textarea></label>
    <button id="run" type="button">Run</button>
    <pre id="result" aria-live="polite"></pre>
  </section>
  <aside><h2>Schema</h2><div id="schema"></div></aside>
</main>
</body>
</html>
`;

const STYLE = `[hidden]{display:none!important}
body{font:14px system-ui,sans-serif;margin:0;color:#1d2430}
header{display:flex;justify-content:space-between;align-items:center;padding:8px 16px;background:#24506b;color:#fff}
header h1{font-size:16px;margin:0}
form,main{padding:12px 16px}
form label,section>label{display:block;margin:6px 0}
input,select{font:inherit;margin-left:6px}
main{display:grid;grid-template-columns:2fr 1fr;gap:16px}
textarea{display:block;width:100%;box-sizing:border-box;font:13px ui-monospace,monospace}
pre{background:#f4f6f8;padding:8px;min-height:4em;white-space:pre-wrap;word-break:break-all}
#sign-in-error{color:#a21;margin-left:8px}
aside{font:12px ui-monospace,monospace;max-height:80vh;overflow:auto}
aside details{margin:2px 0}
aside ul{margin:0;padding-left:16px}
`;

// Plain browser JavaScript (no build step): the token stays in this closure, never in storage.
const SCRIPT = `'use strict';
(() => {
  let token = null;
  const $ = (id) => document.getElementById(id);
  const claims = (jwt) => JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  async function graphql(query, variables) {
    const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + token };
    const purpose = $('purpose').value;
    if (purpose) headers['x-purpose'] = purpose;
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return response.json();
  }
  const INTROSPECTION = '{ __schema { queryType { name } mutationType { name } types { name kind description fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }';
  const typeName = (t) => (t.kind === 'NON_NULL' ? typeName(t.ofType) + '!' : t.kind === 'LIST' ? '[' + typeName(t.ofType) + ']' : t.name);
  function showSchema(schema) {
    const box = $('schema');
    box.replaceChildren();
    const roots = [schema.queryType, schema.mutationType].filter(Boolean).map((t) => t.name);
    const types = schema.types.filter((t) => !t.name.startsWith('__') && t.fields);
    types.sort((a, b) => (roots.includes(b.name) ? 1 : 0) - (roots.includes(a.name) ? 1 : 0) || a.name.localeCompare(b.name));
    for (const type of types) {
      const details = document.createElement('details');
      details.open = roots.includes(type.name);
      const summary = document.createElement('summary');
      summary.textContent = type.name;
      const list = document.createElement('ul');
      for (const field of type.fields) {
        const item = document.createElement('li');
        item.textContent = field.name + ': ' + typeName(field.type);
        list.append(item);
      }
      details.append(summary, list);
      box.append(details);
    }
  }
  async function signIn(event) {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: $('client-id').value, client_secret: $('client-secret').value });
    const response = await fetch('/oauth/token', { method: 'POST', body });
    const answer = await response.json();
    if (!response.ok) {
      $('sign-in-error').textContent = answer.error_description || answer.error || 'sign-in refused';
      return;
    }
    token = answer.access_token;
    const { agency, jurisdiction, purposes } = claims(token);
    const select = $('purpose');
    select.replaceChildren(...purposes.map((p) => new Option(p, p)));
    $('who').textContent = agency + (jurisdiction ? ' · ' + jurisdiction : ' · whole country');
    $('sign-in').hidden = true;
    $('workspace').hidden = false;
    const introspection = await graphql(INTROSPECTION);
    if (introspection.data) showSchema(introspection.data.__schema);
  }
  async function run() {
    const text = $('variables').value.trim();
    let variables;
    try {
      variables = text ? JSON.parse(text) : undefined;
    } catch (error) {
      $('result').textContent = 'variables are not JSON: ' + error.message;
      return;
    }
    $('result').textContent = '…';
    $('result').textContent = JSON.stringify(await graphql($('query').value, variables), null, 2);
  }
  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in').addEventListener('submit', (event) => signIn(event).catch((e) => ($('sign-in-error').textContent = e.message)));
    $('run').addEventListener('click', () => run().catch((e) => ($('result').textContent = e.message)));
  });
})();
`;
