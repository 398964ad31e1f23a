import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The hub's Prometheus metrics, in one registry served at `/metrics`. Every
 * label value is bounded: agencies, outcomes and limits are closed lists, and
 * operation names (chosen by clients) go through {@link operationLabel}.
 * Other parts of the hub increment these directly (the rate limiter,
 * say: `rateLimitRefusals.inc({ limit: 'requests', agency })`).
 */
export const registry = new Registry();

/** GraphQL operations by name, agency and outcome (`success`, `denied`, `rejected`, `error`). */
export const graphqlRequests = new Counter({
  name: 'hub_graphql_requests_total',
  help: 'GraphQL operations answered, by operation name, agency and outcome.',
  labelNames: ['operation', 'agency', 'outcome'] as const,
  registers: [registry],
});

/** Time from the request's arrival to its answer. */
export const graphqlDuration = new Histogram({
  name: 'hub_graphql_request_duration_seconds',
  help: 'Latency of GraphQL operations, by operation name and agency.',
  labelNames: ['operation', 'agency'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** SQL statements sent to PostgreSQL while one operation ran (audit included). */
export const sqlStatementsPerRequest = new Histogram({
  name: 'hub_sql_statements_per_request',
  help: 'SQL statements one GraphQL operation sent to PostgreSQL, by operation name.',
  labelNames: ['operation'] as const,
  buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89],
  registers: [registry],
});

/** How long writing one operation's audit entry took. */
export const auditAppendDuration = new Histogram({
  name: 'hub_audit_append_duration_seconds',
  help: 'Latency of appending one audit entry to the chain.',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

/** Webhook delivery attempts by what came of them. */
export const webhookOutcomes = new Counter({
  name: 'hub_webhook_attempts_total',
  help: 'Webhook delivery attempts, by outcome (DELIVERED, RETRY, DEAD, SKIPPED, ERROR).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/** Requests refused by a rate limit or quota, by limit and agency. */
export const rateLimitRefusals = new Counter({
  name: 'hub_rate_limit_refusals_total',
  help: 'Requests refused by a rate limit or quota, by limit and agency.',
  labelNames: ['limit', 'agency'] as const,
  registers: [registry],
});

/** HTTP requests by route (a closed list), method and status. */
export const httpRequests = new Counter({
  name: 'hub_http_requests_total',
  help: 'HTTP requests answered, by route, method and status code.',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});

let outboxDepthSource: (() => Promise<number>) | null = null;

/** Webhook jobs waiting in the outbox, read from the database when scraped. */
export const outboxDepth = new Gauge({
  name: 'hub_outbox_depth',
  help: 'Jobs waiting in the alert outbox (fan-out and deliveries not yet done).',
  registers: [registry],
  async collect() {
    if (!outboxDepthSource) return;
    try {
      this.set(await outboxDepthSource());
    } catch {
      // A scrape while the database is away reports the last value rather than failing the whole scrape.
    }
  },
});

/**
 * Tells the outbox gauge how to read the depth (the server sets it once its
 * pool exists); `null` with `previous` clears it only if `previous` is still the source.
 */
export function setOutboxDepthSource(source: (() => Promise<number>) | null, previous?: () => Promise<number>): void {
  if (source === null && previous !== undefined && outboxDepthSource !== previous) return;
  outboxDepthSource = source;
}

let defaultsOn = false;

/** Adds Node's process metrics (CPU, memory, event loop, GC) to the registry, once, when a server starts. */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix: 'hub_' });
}

const MAX_OPERATION_LABELS = 200;
const seenOperations = new Set<string>();

/**
 * The label of a client-chosen operation name: at most {@link MAX_OPERATION_LABELS}
 * distinct names are kept, later ones count as `other`, so that a client
 * sending random names cannot grow the metrics without bound.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (seenOperations.has(name)) return name;
  if (name.length > 64 || seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
  seenOperations.add(name);
  return name;
}
