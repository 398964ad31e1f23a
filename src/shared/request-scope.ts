import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What the hub knows about the request being served, wherever its work runs. */
export interface RequestScope {
  /** From the client's `X-Request-Id` when well-formed, else generated; echoed in the answer, logged, audited. */
  requestId: string;
  /** SQL statements sent to PostgreSQL on behalf of this request (counted at the driver). */
  statements: number;
  /** The GraphQL operation served, once known: its metric labels, recorded when the answer is sent. */
  operation?: { name: string; agency: string; outcome: string };
}

const storage = new AsyncLocalStorage<RequestScope>();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id to use: the client's when it is a short token of safe characters, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Runs `work` as the request `requestId`: everything it awaits sees the same scope. */
export function runInRequest<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId, statements: 0 }, work);
}

/** The scope of the request being served, if any (none in commands and background jobs). */
export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}

/** Runs `work` outside any request: for work that serves many requests at once (the audit log's batches). */
export function outsideRequest<T>(work: () => T): T {
  return storage.exit(work);
}
