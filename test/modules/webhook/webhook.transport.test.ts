import http from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToTarget, type CheckedTarget } from '../../../src/modules/webhook/webhook.target.js';

/** A local endpoint whose answer each test chooses; it records the Host header of what it received. */
let handler: http.RequestListener = (_req, res) => res.writeHead(204).end();
const hosts: string[] = [];
let server: http.Server;
let port: number;
// A second endpoint, where a redirect would lead if the hub followed it.
let elsewhere: http.Server;
let elsewhereHits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(String(req.headers.host));
    req.resume();
    req.on('end', () => handler(req, res));
  });
  elsewhere = http.createServer((_req, res) => {
    elsewhereHits += 1;
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  elsewhere.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => elsewhere.close(resolve));
});

/** A target as the checker hands it over: the URL names a host, the address is what was checked. */
const target = (url: string, address = '127.0.0.1'): CheckedTarget => ({ url: new URL(url), address, family: 4 });
const post = (to: CheckedTarget, timeoutMs = 2_000) => postToTarget(to, { 'content-type': 'application/json' }, '{}', timeoutMs);

describe('a webhook POST', () => {
  it('connects to the address that was checked, not to what the name resolves to now, and keeps the name in Host', async () => {
    handler = (_req, res) => res.writeHead(200).end();
    // hooks.invalid resolves nowhere (RFC 6761): the POST can only arrive if it went to the checked address.
    expect(await post(target(`http://hooks.invalid:${port}/hook`))).toBeNull();
    expect(hosts.at(-1)).toBe(`hooks.invalid:${port}`);
  });

  it('does not follow a redirect, and says so', async () => {
    const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
    handler = (_req, res) => res.writeHead(302, { location }).end();
    expect(await post(target(`http://127.0.0.1:${port}/`))).toBe('HTTP 3xx (redirects are not followed)');
    expect(elsewhereHits).toBe(0);
  });

  it('reports only the class of an error status, never what the endpoint answered', async () => {
    handler = (_req, res) =>
      res.writeHead(503, { 'content-type': 'text/plain' }).end('FATAL: password authentication failed for user "postgres"');
    expect(await post(target(`http://127.0.0.1:${port}/`))).toBe('HTTP 5xx');
    handler = (_req, res) => res.writeHead(404).end('Cannot POST /internal-admin');
    expect(await post(target(`http://127.0.0.1:${port}/`))).toBe('HTTP 4xx');
  });

  it('reports a timeout when the endpoint does not answer in time', async () => {
    handler = () => {};
    const started = Date.now();
    expect(await post(target(`http://127.0.0.1:${port}/`), 300)).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a refused connection as such, whatever the port is', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await post(target(`http://127.0.0.1:${free}/`))).toBe('connection refused');
  });

  it('reports a non-HTTP service as an answer not understood, not its banner', async () => {
    const sockets: Socket[] = [];
    const banner = createServer((socket) => {
      sockets.push(socket);
      socket.end('SSH-2.0-OpenSSH_9.6 internal-host\r\n');
    });
    await new Promise<void>((resolve) => banner.listen(0, '127.0.0.1', resolve));
    try {
      const outcome = await post(target(`http://127.0.0.1:${(banner.address() as AddressInfo).port}/`));
      expect(outcome).not.toContain('SSH');
      expect(['HTTP answer not understood', 'connection reset']).toContain(outcome);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => banner.close(resolve));
    }
  });
});
