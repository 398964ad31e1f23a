import type { Agency } from '../generated/prisma/enums.js';

/**
 * The limits, quotas, caps on pushes and trusted-document rules of the hub,
 * as data beside the access policy (access-policy.ts), in this one place: one
 * set per agency kind (AGENCY_LIMITS), which a client's own row may override
 * field by field (`client.limits`, set with `hub clients limits`, each within
 * LIMIT_RANGES). `docs/access-matrix.md` (Limits) is generated from it and
 * shows every value. Who reads what: the access guard (operation limits,
 * `requests`, `responseBytes`, `trustedDocumentsOnly`), the lookup quota
 * (`missedIdLookups`) and the budget of targeted guesses (`targetedIdGuesses`), webhook registration (`webhooksPerClient`) and the
 * WebSocket server (`subscriptionsPer…`).
 */

/**
 * What one client may send, spend and hold open. Every field is a maximum
 * unless said otherwise. The defaults are per agency kind: casework
 * (medical insurance, civil affairs, rural revitalization), readers
 * (health, finance, analyst, auditor, hub admin) and partners (charity,
 * insurer), as `casework / readers / partners` below.
 */
export interface ClientLimits {
  /** Nesting of fields in one operation (fragments expanded). Default 10 / 8 / 6. */
  depth: number;
  /** Aliased fields in one document. Default 20 / 10 / 5. */
  aliases: number;
  /** Directives in one document. Default 10 / 10 / 5. */
  directives: number;
  /** Lexical tokens in one document. Default 2 000 / 2 000 / 1 000. */
  tokens: number;
  /**
   * Estimated objects an answer may hold: every field of object type counts
   * 1, times the size of every list around it (`first`, or LIST_BOUNDS).
   * Default 20 000 / 10 000 / 2 000 (hub admin 100: it reads no persons).
   */
  cost: number;
  /** Requests (HTTP operations and WebSocket subscribes) per window. Default 600 / 300 / 120. */
  requests: number;
  /** The window of `requests`, in seconds. Default 60. */
  windowSeconds: number;
  /**
   * HTTP operations of the client executing at once in one hub process
   * (each process counts its own); one more is refused with 429 before it
   * reads anything, so a client's heavy queries queue on its own slots, not
   * on everyone's event loop. Default 16 / 10 / 4 (the dashboard asks
   * for its eight panels at once).
   */
  concurrentRequests: number;
  /**
   * Lookups by ID number that find nothing, per UTC day, over every field
   * that names a person by ID number (lookup-quota.ts). Default 500 / 50 / 20
   * (auditor 20, hub admin 0).
   */
  missedIdLookups: number;
  /**
   * Lookups by full ID number that find no one but match the masked number
   * and birth date of a person the client sees, per person, ever (a targeted
   * guess: lookup-quota.ts, docs/masking.md); past them every lookup of a
   * number of that pattern is refused, right or wrong. Applies to the
   * agencies that see the number masked and the birth date in full (insurer).
   * Default 3.
   */
  targetedIdGuesses: number;
  /** Bytes of one JSON answer. Default 5 000 000 / 5 000 000 / 1 000 000. */
  responseBytes: number;
  /** Whether the client may run only documents registered for it (`documentId`), never query text. Default false / false / true. */
  trustedDocumentsOnly: boolean;
  /** Active webhooks the client may have registered. Default 5. */
  webhooksPerClient: number;
  /** Live subscriptions on one WebSocket connection. Default 10. */
  subscriptionsPerConnection: number;
  /**
   * Live subscriptions of the client over all its connections to one hub
   * process (each process counts its own). Default 20.
   */
  subscriptionsPerClient: number;
}

/** The names of the limits, in the order the access matrix shows them. */
export const LIMIT_NAMES = [
  'depth',
  'aliases',
  'directives',
  'tokens',
  'cost',
  'requests',
  'windowSeconds',
  'concurrentRequests',
  'missedIdLookups',
  'targetedIdGuesses',
  'responseBytes',
  'trustedDocumentsOnly',
  'webhooksPerClient',
  'subscriptionsPerConnection',
  'subscriptionsPerClient',
] as const satisfies readonly (keyof ClientLimits)[];

/** A client's own overrides (the `client.limits` column): any subset of the limits. */
export type LimitOverrides = Partial<ClientLimits>;

/** Agencies that work case by case on their whole jurisdiction: lookups and nested reads are their daily work. */
const CASEWORK: ClientLimits = {
  depth: 10,
  aliases: 20,
  directives: 10,
  tokens: 2_000,
  cost: 20_000,
  requests: 600,
  windowSeconds: 60,
  concurrentRequests: 16,
  missedIdLookups: 500,
  targetedIdGuesses: 3,
  responseBytes: 5_000_000,
  trustedDocumentsOnly: false,
  webhooksPerClient: 5,
  subscriptionsPerConnection: 10,
  subscriptionsPerClient: 20,
};

/** Agencies that read without case work (monitoring, statistics, audit): fewer lookups by ID number. */
const READERS: ClientLimits = {
  ...CASEWORK,
  depth: 8,
  aliases: 10,
  cost: 10_000,
  requests: 300,
  concurrentRequests: 10,
  missedIdLookups: 50,
};

/**
 * Partners outside government (charities, commercial insurers) know the
 * persons they serve: a handful of lookups, small answers, and only the
 * documents they registered.
 */
const PARTNERS: ClientLimits = {
  depth: 6,
  aliases: 5,
  directives: 5,
  tokens: 1_000,
  cost: 2_000,
  requests: 120,
  windowSeconds: 60,
  concurrentRequests: 4,
  missedIdLookups: 20,
  targetedIdGuesses: 3,
  responseBytes: 1_000_000,
  trustedDocumentsOnly: true,
  webhooksPerClient: 5,
  subscriptionsPerConnection: 10,
  subscriptionsPerClient: 20,
};

/** The limits of each agency kind, unless the client's row overrides them. */
export const AGENCY_LIMITS: Readonly<Record<Agency, ClientLimits>> = {
  MEDICAL_INSURANCE: CASEWORK,
  CIVIL_AFFAIRS: CASEWORK,
  RURAL_REVITALIZATION: CASEWORK,
  HEALTH: READERS,
  FINANCE: READERS,
  ANALYST: READERS,
  AUDITOR: { ...READERS, missedIdLookups: 20 },
  CHARITY: PARTNERS,
  INSURER: PARTNERS,
  HUB_ADMIN: { ...READERS, cost: 100, missedIdLookups: 0 },
};

/**
 * The size assumed for each list field without a `first` argument, in the
 * cost of an operation. A field with `first` counts its `first` (or the
 * default page size); the `edges` of a connection count 1, being bounded by
 * the field that leads to them. A list listed nowhere counts DEFAULT_LIST_BOUND.
 */
export const LIST_BOUNDS: Readonly<Record<string, number>> = {
  'Household.members': 10,
  'Person.statuses': 10,
  'Person.enrollments': 10,
  'Person.alerts': 20,
  'Alert.deliveries': 10,
  'AlertConnection.countsByStatus': 5,
  'BenefitRecord.explanation': 10,
  'SettlementQuote.explanation': 10,
  'SettlementQuote.alerts': 5,
  'RegionConfig.thresholds': 10,
  'RegionConfig.caps': 10,
  'RegionConfig.ratios': 10,
  'RegionConfig.subsidies': 10,
};

/** The size assumed for a list field that LIST_BOUNDS does not name. */
export const DEFAULT_LIST_BOUND = 20;

/** Limits the per-client overrides may take, so that a typo cannot open the hub wide. */
export const LIMIT_RANGES: Readonly<Record<Exclude<keyof ClientLimits, 'trustedDocumentsOnly'>, readonly [number, number]>> = {
  depth: [1, 50],
  aliases: [0, 1_000],
  directives: [0, 1_000],
  tokens: [10, 100_000],
  cost: [1, 10_000_000],
  requests: [1, 1_000_000],
  windowSeconds: [1, 86_400],
  concurrentRequests: [1, 1_000],
  missedIdLookups: [0, 1_000_000],
  targetedIdGuesses: [1, 100],
  responseBytes: [1_000, 100_000_000],
  webhooksPerClient: [0, 100],
  subscriptionsPerConnection: [1, 1_000],
  subscriptionsPerClient: [1, 10_000],
};

/** The limits of a client: its agency's, with its own overrides over them (unknown or malformed overrides are ignored). */
export function limitsOf(agency: Agency, overrides: unknown = null): ClientLimits {
  const limits = { ...AGENCY_LIMITS[agency] };
  if (typeof overrides !== 'object' || overrides === null) return limits;
  for (const [name, value] of Object.entries(overrides)) {
    if (name === 'trustedDocumentsOnly') {
      if (typeof value === 'boolean') limits.trustedDocumentsOnly = value;
    } else if (name in LIMIT_RANGES) {
      const [min, max] = LIMIT_RANGES[name as keyof typeof LIMIT_RANGES];
      if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max)
        limits[name as keyof typeof LIMIT_RANGES] = value as number;
    }
  }
  return limits;
}

/**
 * Checks overrides given by an administrator: known names, whole numbers in
 * their range, a boolean for `trustedDocumentsOnly`. Returns the error
 * message of the first one at fault, or null.
 */
export function overrideError(overrides: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(overrides)) {
    if (name === 'trustedDocumentsOnly') {
      if (typeof value !== 'boolean') return 'trustedDocumentsOnly must be true or false';
      continue;
    }
    const range = LIMIT_RANGES[name as keyof typeof LIMIT_RANGES];
    if (!range) return `unknown limit ${JSON.stringify(name)}; one of ${LIMIT_NAMES.join(', ')}`;
    if (!Number.isInteger(value) || (value as number) < range[0] || (value as number) > range[1]) {
      return `${name} must be a whole number from ${range[0]} to ${range[1]}`;
    }
  }
  return null;
}
