import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { createRequire } from 'node:module';

/**
 * The statistics dashboard: `GET /dashboard` answers a page that a FINANCE or
 * ANALYST client (or a casework agency) signs in to with its credentials at
 * `/oauth/token`, as in the console. The page asks the `statistics` query
 * with that token, so it sees exactly what the API publishes to that client:
 * disclosure control is the API's, and a suppressed cell reaches the page as
 * `suppressed: true` with no value. Apache ECharts is served by the hub from
 * the npm package (no CDN), under a self-only
 * Content-Security-Policy; the page's script and style are files of their own.
 */
export const DASHBOARD_PATHS = {
  page: '/dashboard',
  script: '/dashboard/dashboard.js',
  style: '/dashboard/dashboard.css',
  charts: '/dashboard/echarts.min.js',
} as const;

/** Self only: the page, its scripts, its style and its requests all come from the hub; nothing inline, not even a style. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const require = createRequire(import.meta.url);
let chartLibrary: Promise<Buffer> | undefined;

/** ECharts' minified browser build, read once from the installed package. */
function loadChartLibrary(): Promise<Buffer> {
  chartLibrary ??= readFile(require.resolve('echarts/dist/echarts.min.js'));
  return chartLibrary;
}

/** Whether `pathname` is the dashboard or one of its assets. */
export function isDashboardPath(pathname: string): boolean {
  return pathname === DASHBOARD_PATHS.page || pathname.startsWith(`${DASHBOARD_PATHS.page}/`);
}

/** Serves the dashboard's page or one of its assets; false when `pathname` is none of them. */
export async function serveDashboard(res: http.ServerResponse, pathname: string): Promise<boolean> {
  let asset: { type: string; body: string | Buffer; cache: string } | undefined;
  switch (pathname) {
    case DASHBOARD_PATHS.page:
      // The page holds no data; the token lives only in the page's memory.
      asset = { type: 'text/html; charset=utf-8', body: PAGE, cache: 'no-store' };
      break;
    case DASHBOARD_PATHS.script:
      asset = { type: 'text/javascript; charset=utf-8', body: SCRIPT, cache: 'no-store' };
      break;
    case DASHBOARD_PATHS.style:
      asset = { type: 'text/css; charset=utf-8', body: STYLE, cache: 'no-store' };
      break;
    case DASHBOARD_PATHS.charts:
      // The library changes only with the installed package: a browser may keep it for an hour.
      asset = { type: 'text/javascript; charset=utf-8', body: await loadChartLibrary(), cache: 'public, max-age=3600' };
      break;
  }
  if (!asset) return false;
  res.statusCode = 200;
  res.setHeader('Content-Type', asset.type);
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', asset.cache);
  res.end(asset.body);
  return true;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hub statistics dashboard</title>
<link rel="stylesheet" href="${DASHBOARD_PATHS.style}">
<script src="${DASHBOARD_PATHS.charts}" defer></script>
<script src="${DASHBOARD_PATHS.script}" defer></script>
</head>
<body>
<header><h1>Medical-assistance statistics</h1><span id="who">signed out</span></header>
<form id="sign-in">
  <label>Client id <input id="client-id" name="client_id" autocomplete="username" required></label>
  <label>Client secret <input id="client-secret" name="client_secret" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
  <output id="sign-in-error"></output>
</form>
<main id="workspace" hidden>
  <form id="filters">
    <label>Year <input id="year" type="number" min="2000" max="2100" required></label>
    <label>Region prefix <input id="region" pattern="(\\d{2}){0,3}" size="8"></label>
    <button type="submit">Show</button>
    <span id="method"></span>
  </form>
  <div id="panels"></div>
</main>
</body>
</html>
`;

const STYLE = `[hidden]{display:none!important}
body{font:14px system-ui,sans-serif;margin:0;color:#1d2430;background:#f4f6f8}
header{display:flex;justify-content:space-between;align-items:center;padding:8px 16px;background:#24506b;color:#fff}
header h1{font-size:16px;margin:0}
form{padding:10px 16px}
form label{margin-right:12px}
input,select{font:inherit;margin-left:6px}
#sign-in-error,.error{color:#a21;margin-left:8px}
#method{font-size:12px;color:#4a5563;margin-left:8px}
#panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px;padding:0 16px 16px}
.panel{background:#fff;border:1px solid #d6dce2;border-radius:4px;padding:8px 12px}
.panel h2{font-size:14px;margin:0 0 2px}
.panel p{font-size:12px;color:#4a5563;margin:0 0 4px}
.chart{height:220px}
table{border-collapse:collapse;font-size:12px;width:100%}
th,td{border-bottom:1px solid #e3e7eb;padding:2px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}
td.suppressed{color:#8a6d00;font-style:italic}
tr.total td{font-weight:600}
.panel button{margin-top:6px;font:inherit;font-size:12px}
`;

// Plain browser JavaScript (no build step): the token stays in this closure, never in storage.
const SCRIPT = `'use strict';
(() => {
  let token = null;
  let purpose = null;
  const $ = (id) => document.getElementById(id);
  const claims = (jwt) => JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const CELL = 'region category month visitType outcome fundLevel margin value persons numerator denominator meetsTarget suppressed';
  const QUERY = 'query DashboardStatistics($input: StatisticsInput!) { statistics(input: $input) { measure regionPrefix by definition target { comparator percent citation } method cells { ' + CELL + ' } total { ' + CELL + ' } } }';
  // The main measures: the targets by region, the money by month, the alerts by outcome, the fund by month and region.
  const PANELS = [
    { id: 'coverage', title: 'Coverage of certified persons, by region', measure: 'COVERAGE_RATE', by: 'REGION' },
    { id: 'protection', title: 'Comprehensive protection rate, by region', measure: 'PROTECTION_RATE', by: 'REGION' },
    { id: 'burden', title: 'Personal burden rate, by region', measure: 'BURDEN_RATE', by: 'REGION' },
    { id: 'persons', title: 'Persons by principal category', measure: 'PERSONS', by: 'CATEGORY' },
    { id: 'assistance', title: 'Assistance paid (元), by month', measure: 'ASSISTANCE_PAID', by: 'MONTH' },
    { id: 'subsidy', title: 'Enrollment subsidies (元), by month', measure: 'SUBSIDY_PAID', by: 'MONTH' },
    { id: 'alerts', title: 'High-cost alerts, by outcome', measure: 'ALERTS', by: 'OUTCOME' },
    { id: 'carry-over', title: 'Fund carry-over rate, by region', measure: 'CARRY_OVER_RATE', by: 'REGION' },
  ];
  const COORDINATE = { REGION: 'region', CATEGORY: 'category', MONTH: 'month', VISIT_TYPE: 'visitType', OUTCOME: 'outcome', FUND_LEVEL: 'fundLevel' };
  const HEADING = { REGION: 'Region', CATEGORY: 'Category', MONTH: 'Month', VISIT_TYPE: 'Visit type', OUTCOME: 'Outcome', FUND_LEVEL: 'Fund level' };
  const charts = [];

  async function statistics(input) {
    const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + token };
    if (purpose) headers['x-purpose'] = purpose;
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: QUERY, variables: { input } }) });
    const answer = await response.json();
    if (answer.errors && answer.errors.length) throw new Error(answer.errors.map((e) => e.message).join('; '));
    return answer.data.statistics;
  }

  /** The rows the panel shows, as text: the table and its CSV are both made from these, so they cannot differ. */
  function tableOf(table, by) {
    const rate = table.target !== null || table.cells.concat(table.total).some((c) => c.denominator !== null);
    const header = [HEADING[by], rate ? 'Value (%)' : 'Value', 'Persons'].concat(rate ? ['Numerator', 'Denominator', 'Meets target'] : []);
    const label = (cell, isTotal) => {
      if (isTotal) return 'Total';
      const value = cell[COORDINATE[by]];
      if (value === null) return by === 'CATEGORY' ? 'no category' : '';
      return by === 'MONTH' ? String(value).padStart(2, '0') : String(value);
    };
    const row = (cell, isTotal) => {
      const shown = (v) => (cell.suppressed ? 'suppressed' : v === null || v === undefined ? '' : String(v));
      const cells = [label(cell, isTotal), shown(cell.value), shown(cell.persons)];
      if (rate) cells.push(shown(cell.numerator), shown(cell.denominator), shown(cell.meetsTarget === null ? null : cell.meetsTarget ? 'yes' : 'no'));
      return { cells, suppressed: cell.suppressed, total: isTotal };
    };
    return { header, rate, rows: table.cells.filter((c) => c.margin.length === 0).map((c) => row(c, false)).concat([row(table.total, true)]) };
  }

  function csvOf(view) {
    const field = (text) => (/[",\\n\\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text);
    return [view.header].concat(view.rows.map((r) => r.cells)).map((line) => line.map(field).join(',')).join('\\r\\n') + '\\r\\n';
  }

  function draw(element, table, view) {
    const inner = view.rows.filter((r) => !r.total);
    const option = {
      animation: false,
      grid: { left: 64, right: 56, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      xAxis: { type: 'category', data: inner.map((r) => r.cells[0]), axisLabel: { interval: 0, fontSize: 10, rotate: inner.length > 6 && !/^\\d+$/.test(inner[0].cells[0]) ? 30 : 0 } },
      yAxis: { type: 'value', name: view.rate ? '%' : '', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'bar',
          name: table.measure,
          data: inner.map((r) =>
            r.suppressed
              ? { value: 0, itemStyle: { color: '#c9b26b' }, label: { show: true, position: 'insideBottom', formatter: 'suppressed', rotate: 90, align: 'left', color: '#8a6d00', fontSize: 10 } }
              : { value: r.cells[1] === '' ? null : Number(r.cells[1]) },
          ),
          itemStyle: { color: '#2f7fa8' },
          markLine: table.target
            ? {
                symbol: 'none',
                lineStyle: { color: '#a21', type: 'dashed' },
                label: { formatter: (table.target.comparator === 'AT_LEAST' ? '≥ ' : '≤ ') + table.target.percent + ' %', fontSize: 10 },
                data: [{ yAxis: Number(table.target.percent) }],
              }
            : undefined,
        },
      ],
    };
    const chart = echarts.init(element, null, { renderer: 'canvas' });
    chart.setOption(option);
    charts.push(chart);
  }

  function download(name, text) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  async function showPanel(spec, input) {
    const panel = document.createElement('section');
    panel.className = 'panel';
    panel.id = 'panel-' + spec.id;
    panel.dataset.measure = spec.measure;
    const title = document.createElement('h2');
    title.textContent = spec.title;
    const note = document.createElement('p');
    note.textContent = 'loading…';
    panel.append(title, note);
    $('panels').append(panel);
    let table;
    try {
      table = await statistics({ measure: spec.measure, year: input.year, regionPrefix: input.regionPrefix, by: [spec.by] });
    } catch (error) {
      note.className = 'error';
      note.textContent = error.message;
      return;
    }
    note.textContent = table.definition + (table.target ? ' Target ' + (table.target.comparator === 'AT_LEAST' ? '≥ ' : '≤ ') + table.target.percent + ' % (' + table.target.citation + ').' : '');
    $('method').textContent = 'Disclosure control: ' + table.method;
    const view = tableOf(table, spec.by);
    const chart = document.createElement('div');
    chart.className = 'chart';
    const grid = document.createElement('table');
    const head = grid.createTHead().insertRow();
    for (const text of view.header) {
      const th = document.createElement('th');
      th.textContent = text;
      head.append(th);
    }
    const body = grid.createTBody();
    for (const row of view.rows) {
      const tr = body.insertRow();
      if (row.total) tr.className = 'total';
      for (const text of row.cells) {
        const td = tr.insertCell();
        td.textContent = text;
        if (text === 'suppressed') td.className = 'suppressed';
      }
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'csv';
    button.textContent = 'Download CSV';
    const file = [spec.measure, input.year, input.regionPrefix || 'all', spec.by].join('-').toLowerCase() + '.csv';
    button.addEventListener('click', () => download(file, csvOf(view)));
    panel.append(chart, grid, button);
    draw(chart, table, view);
    panel.dataset.ready = 'true';
  }

  async function show(event) {
    if (event) event.preventDefault();
    for (const chart of charts.splice(0)) chart.dispose();
    $('panels').replaceChildren();
    $('method').textContent = '';
    const input = { year: Number($('year').value), regionPrefix: $('region').value.trim() };
    // One after another: an analyst's request computes a whole protected family; the rate limit is the client's.
    for (const spec of PANELS) await showPanel(spec, input);
    $('panels').dataset.ready = 'true';
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
    purpose = purposes[0] || null;
    $('who').textContent = agency + (jurisdiction ? ' · ' + jurisdiction : ' · whole country') + (purpose ? ' · ' + purpose : '');
    $('region').value = jurisdiction || '';
    $('sign-in').hidden = true;
    $('workspace').hidden = false;
    await show();
  }

  document.addEventListener('DOMContentLoaded', () => {
    const year = Number(new URLSearchParams(location.search).get('year'));
    $('year').value = String(Number.isInteger(year) && year > 2000 ? year : new Date().getFullYear() - 1);
    $('sign-in').addEventListener('submit', (event) => signIn(event).catch((e) => ($('sign-in-error').textContent = e.message)));
    $('filters').addEventListener('submit', (event) => show(event).catch((e) => ($('method').textContent = e.message)));
    window.addEventListener('resize', () => charts.forEach((chart) => chart.resize()));
  });
})();
`;
