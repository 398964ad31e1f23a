/**
 * One attacker of bench/guard.bench.ts, run as a child process of its own
 * (its own event loop and V8 heap), so that what the bench measures is the
 * hub's cost of an attack, not the cost of generating it in the hub's loop.
 *
 * The parent sends `{ attack, url, port, token, clientId, concurrency, seed }`
 * once; the attacker floods until it receives `'stop'`, then answers with the
 * count of each answer it got (`token 429: 1234`, …) and exits.
 *
 * Attacks:
 * - `nesting`: 13-level `household { members { … } }` queries;
 * - `aliases`: 500 aliases of `persons(first: 100)` with nested lists;
 * - `token-random`: wrong secrets for random client ids from rotating
 *   loopback addresses (no per-address or per-client lock applies: the worst case);
 * - `token-client`: wrong secrets for one real client id from one address;
 * - `subscriptions`: graphql-ws connections, each subscribing `alertRaised`
 *   again and again past its caps;
 * - `heavy`: the nested `persons` query of test/operations/persons.graphql
 *   with `first` at the client's cost limit, admitted, as many at once as
 *   the client's `concurrentRequests` (the parent gives the concurrency).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

interface Orders {
  attack: 'nesting' | 'aliases' | 'token-random' | 'token-client' | 'subscriptions' | 'heavy';
  url: string;
  /** For `heavy`: the `first` that brings the query to the client's cost limit. */
  first?: number;
  port: number;
  token: string;
  clientId: string;
  concurrency: number;
  /** Distinguishes the attackers of one attack (their loopback addresses). */
  seed: number;
}

const counts = new Map<string, number>();
const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
let stop = false;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function send(port: number, path: string, headers: Record<string, string>, body: string, localAddress?: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers, ...(localAddress ? { localAddress } : { agent }) },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

const NESTED = `query ($p: ID) { person(id: $p) { ${'household { members { '.repeat(13)}id${' } }'.repeat(13)} } }`;
const ALIASES = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: persons(first: 100) { edges { node { id name household { members { id } } } } }`).join(' ')} }`;

const PERSONS = readFileSync(new URL('../test/operations/persons.graphql', import.meta.url), 'utf8');

async function queryFlood(orders: Orders, query: string): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${orders.token}`, 'x-purpose': 'ASSISTANCE_ELIGIBILITY' };
  const body =
    orders.attack === 'heavy'
      ? () => ({
          query,
          operationName: 'PersonsNested',
          variables: { first: orders.first, year: 2024, filter: { regionPrefix: '6207' } },
        })
      : () => ({ query, variables: { p: randomUUID() } });
  while (!stop) {
    const status = await send(orders.port, '/graphql', headers, JSON.stringify(body()));
    count(`${orders.attack} ${status}`);
  }
}

let address = 0;
async function tokenFlood(orders: Orders, random: boolean): Promise<void> {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  while (!stop) {
    address += 1;
    // 127.<seed>.x.y: every request from another address, as a botnet would send them.
    const from = random ? `127.${1 + (orders.seed % 100)}.${(address >> 8) & 0xff}.${address & 0xff || 1}` : undefined;
    const clientId = random ? randomUUID() : orders.clientId;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'guess' }).toString();
    count(`token ${await send(orders.port, '/oauth/token', headers, body, from)}`);
  }
}

async function subscriptionFlood(orders: Orders): Promise<void> {
  const wsUrl = orders.url.replace(/^http/, 'ws');
  const client: Client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${orders.token}`, purpose: 'MONITORING_FOLLOW_UP' },
    retryAttempts: 0,
    lazy: false,
  });
  const fields = ['rule', 'ruleSet', 'measure', 'threshold', 'amount', 'targets', 'year', 'month', 'status', 'raisedAt'];
  let n = 0;
  while (!stop) {
    n += 1;
    // Distinct field sets past the cap, so each is refused by a cap, not as a twin.
    const query = `subscription { alertRaised { id ${fields.slice(0, n % fields.length).join(' ')} } }`;
    await new Promise<void>((resolve) => {
      let settled = false;
      const done = (key: string) => {
        if (settled) return;
        settled = true;
        count(key);
        resolve();
      };
      client.subscribe(
        { query },
        { next: () => {}, error: () => done('subscription refused'), complete: () => done('subscription completed') },
      );
      // One that was taken stays live (until the socket closes); the next goes on after a while
      // (longer than a refusal is held, HUB_REFUSAL_DELAY_MS, so that a held refusal is not counted live).
      setTimeout(() => done('subscription live'), 1_500).unref();
    });
  }
  await client.dispose();
}

process.once('message', (orders: Orders) => {
  const workers = Array.from({ length: orders.concurrency }, () => {
    switch (orders.attack) {
      case 'nesting':
        return queryFlood(orders, NESTED);
      case 'aliases':
        return queryFlood(orders, ALIASES);
      case 'token-random':
        return tokenFlood(orders, true);
      case 'token-client':
        return tokenFlood(orders, false);
      case 'subscriptions':
        return subscriptionFlood(orders);
      case 'heavy':
        return queryFlood(orders, PERSONS);
    }
  });
  process.once('message', () => {
    stop = true;
    void Promise.all(workers).then(() => {
      agent.destroy();
      process.send!(Object.fromEntries(counts), () => process.exit(0));
    });
  });
  process.send!('started');
});
