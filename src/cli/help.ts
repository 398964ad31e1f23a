/**
 * The command line's help texts and the environment it reads. Kept apart from
 * the commands so that `hub --help` loads nothing else (no Prisma, no GraphQL).
 */

/** Every environment variable the hub reads, with its default and meaning (a test keeps it complete). */
export const ENVIRONMENT: readonly (readonly [name: string, fallback: string, meaning: string])[] = [
  ['DATABASE_URL', '—', 'PostgreSQL to use, as the serving role; unset: an embedded PostgreSQL under HUB_DATA_DIR'],
  ['DATABASE_OWNER_URL', 'DATABASE_URL', 'the role that owns the schema and runs migrations'],
  ['DATABASE_OWNER_URL', '—', 'role that owns the schema and runs migrations; unset: DATABASE_URL migrates too'],
  ['PORT', '4000', 'HTTP port'],
  ['HUB_DATA_DIR', './data', 'embedded database, signing keys, demo client credentials (created if missing)'],
  ['HUB_DEMO', '1 embedded, 0 with DATABASE_URL', 'load demo data and demo clients on a first start'],
  ['NODE_ENV', '—', 'production: refuse to start without DATABASE_URL, HUB_AUDIT_KEYS and HUB_CORS_ORIGINS (as --production)'],
  ['HUB_CORS_ORIGINS', '—', 'browser origins allowed to call the hub, comma-separated'],
  ['HUB_AUDIT_KEYS', 'HUB_DATA_DIR/keys/audit-keys.json', 'audit chain HMAC keys, kid=secret,… newest first; required in production'],
  ['HUB_AUDIT_CHECKPOINT_INTERVAL', '3600', 'seconds between automatic audit checkpoints (0: none)'],
  ['HUB_AUDIT_CHECKPOINT_FILE', '—', 'append each signed audit checkpoint to this file (JSON lines)'],
  ['HUB_AUDIT_CHECKPOINT_URL', '—', 'POST each signed audit checkpoint to this URL'],
  ['HUB_METRICS_TOKEN', '—', 'bearer token GET /metrics requires; unset: open'],
  ['HUB_LOG_LEVEL', 'info', 'fatal, error, warn, info, debug or silent'],
  ['HUB_DISPATCHER', 'on', 'off: hub start leaves webhook delivery to a separate hub dispatch'],
  ['HUB_WEBHOOK_MAX_ATTEMPTS', '8', 'attempts of one webhook delivery before it is dead (1–25)'],
  ['HUB_WEBHOOK_CONCURRENCY', '16', 'webhook deliveries in flight at once (1–256)'],
  ['HUB_WEBHOOK_ALLOW_PRIVATE', '0', '1: webhooks may target loopback and private addresses (development only; refused in production)'],
  ['HUB_WEBHOOK_TIMEOUT_MS', '10000', 'milliseconds one webhook POST may take'],
  ['HUB_STATEMENT_TIMEOUT_MS', '10000', 'milliseconds one SQL statement of a request may run before PostgreSQL cancels it'],
  ['HUB_GATEWAY_SECRET', '—', 'secret (32+ characters) the gateway signs its requests to the subgraphs with; hub subgraph needs it'],
  ['GATEWAY_PORT', '4100', 'port of hub gateway'],
  ['HUB_SUBGRAPHS', '—', 'name=url,… of remote subgraphs for hub gateway; unset: it starts every subgraph itself (4101…4107)'],
  ['HUB_REFUSAL_DELAY_MS', '1000', 'milliseconds a 429 answer is held before it is sent, so that a flood waits (0–10000; 0: none)'],
];

/** Per command: its usage lines (`hub <command> --help`). */
export const COMMAND_USAGE: Record<string, string> = {
  start: `hub start [--production]
  start the hub: database (embedded unless DATABASE_URL), migrations, demo data on a first
  embedded start (HUB_DEMO), GraphQL over HTTP and the webhook dispatcher; stops on SIGINT/SIGTERM
  --production   as NODE_ENV=production: refuse to start without DATABASE_URL, HUB_AUDIT_KEYS, HUB_CORS_ORIGINS`,
  migrate: `hub migrate
  apply pending migrations; prints {"applied":[…]}`,
  seed: `hub seed --persons N --region CODE --year YYYY [--seed S] [--allow-unknown-region]
  generate fictitious, reproducible demo data and print what was inserted (a re-run inserts nothing)
  --persons N              1 to 10 000 000
  --region CODE            a 6-digit GB/T 2260 code of a region the hub knows (620700 Zhangye, 330400 Jiaxing,
                           140100 Taiyuan, their counties, their provinces 620000, 330000, 140000)
  --year YYYY              2000 to 2100, a year some rule set of the region governs
  --seed S                 0 to 2147483647, default 1
  --allow-unknown-region   accept any 6-digit code (its persons get a demo region configuration)`,
  quote: `hub quote FILE…
  evaluate policy case files (docs/policy-cases.md), one JSON line each; no database`,
  clients: `hub clients create --name NAME --agency AGENCY --region PREFIX [--purposes P,…]
  hub clients list | disable --id ID | rotate --id ID [--grace-seconds N] | revoke-token --jti JTI
  hub clients limits --id ID --set NAME=VALUE,…   (NAME=default drops an override; docs/access-matrix.md, Limits)
  manage the clients that call the hub; a secret is printed once, on stdout`,
  documents: `hub documents add --client ID FILE…
  register trusted documents for a client (FILE.graphql, or an Apollo persisted-query manifest FILE.json);
  prints [{"id":"sha256:…","operationName","file"}]
  hub documents list --client ID`,
  audit: `hub audit verify [--checkpoint FILE]…
  check the keyed audit chain and that it extends each checkpoint in FILE (exit 1 with the first broken entry)
  hub audit checkpoint
  sign a checkpoint of the log's head, print it and push it to HUB_AUDIT_CHECKPOINT_FILE / HUB_AUDIT_CHECKPOINT_URL
  hub audit rotate-key
  add a new audit HMAC key in front in HUB_DATA_DIR/keys/audit-keys.json (a running hub uses it after a restart)`,
  monitor: `hub monitor run --month YYYY-MM [--region PREFIX]
  raise the month's high-cost alerts (re-running raises nothing twice)`,
  fund: `hub fund import FILE --client ID
  record allocations to the assistance fund (NDJSON, or CSV with a header) as a FINANCE client;
  prints {"recorded","unchanged","rejected":[…]}; exit 1 when a line was rejected`,
  import: `hub import persons|statuses|charity-aid|commercial-claims FILE --client ID [--format ndjson|csv] [--rejects OUT]
  import a file of the mutation's inputs (NDJSON, or CSV with a header; a row names its person by idNumber or
  personId) under the client's rights, in batches of 5 000 (each one transaction); progress on stderr; prints
  {"accepted","rejected","unchanged","seconds"}; refused rows {line,field,code,reason} to OUT (NDJSON) or stderr;
  importing the same file again stores nothing new; exit 1 when a row was refused`,
  subgraph: `hub subgraph registry|certification|insurance|monitoring|partners|statistics|audit [--port N]
  serve one subgraph of the federated deployment (default port 4101…4107 in that order); it answers only
  requests signed by the gateway (HUB_GATEWAY_SECRET); every subgraph shares DATABASE_URL and HUB_DATA_DIR's keys`,
  gateway: `hub gateway
  serve the federated schema (schema/supergraph.graphql) with Hive Gateway on GATEWAY_PORT: over the subgraphs
  of HUB_SUBGRAPHS, or, without it, over every subgraph started in this process on ports 4101…4107`,
  dispatch: `hub dispatch
  run only the alert dispatcher (webhooks), e.g. beside HUB_DISPATCHER=off, until SIGINT/SIGTERM`,
};

/** `hub --help`: every command and every environment variable. */
export function mainUsage(): string {
  const width = Math.max(...ENVIRONMENT.map(([name]) => name.length)) + 2;
  return [
    'usage: hub <command> [options]      hub <command> --help      hub --version',
    '',
    'commands:',
    ...Object.values(COMMAND_USAGE).map((text) => `  ${text.replace(/\n/g, '\n  ')}`),
    '',
    'environment:',
    ...ENVIRONMENT.map(([name, fallback, meaning]) => `  ${name.padEnd(width)}${meaning} (default: ${fallback})`),
    '',
    'Results go to stdout (JSON), logs to stderr. Exit codes: 0 done, 1 failed, 2 bad command line.',
  ].join('\n');
}
