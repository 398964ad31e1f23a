import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_HEADERS } from '../../src/modules/webhook/webhook.signature.js';

/** One POST a receiver got. */
export interface Received {
  deliveryId: string;
  timestamp: number;
  signature: string;
  body: string;
}

/** How the receiver answers: 200, 500, or never (the connection hangs until closed). */
export type ReceiverMode = 'ok' | 'fail' | 'stall';

/**
 * A webhook receiver on a loopback port, as an agency would run one: it
 * records every POST and processes each delivery id once (`processed`), which
 * is what makes at-least-once delivery exactly-once on its side.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const processed = new Map<string, Received>();
  const waiters: (() => void)[] = [];
  let mode: ReceiverMode = 'ok';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Received = {
        deliveryId: String(req.headers[WEBHOOK_HEADERS.delivery]),
        timestamp: Number(req.headers[WEBHOOK_HEADERS.timestamp]),
        signature: String(req.headers[WEBHOOK_HEADERS.signature]),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      waiters.splice(0).forEach((wake) => wake());
      if (mode === 'stall') return;
      if (mode === 'fail') return void res.writeHead(500).end();
      if (!processed.has(entry.deliveryId)) processed.set(entry.deliveryId, entry);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    processed,
    setMode(next: ReceiverMode) {
      mode = next;
    },
    /** Resolves once at least `count` POSTs arrived, or rejects after `ms`. */
    async waitFor(count: number, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} POSTs, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
