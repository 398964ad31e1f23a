import type { Agency } from '../generated/prisma/enums.js';

/**
 * The limits, quotas and trusted-document rules of the access guard, as data
 * beside the access policy (access-policy.ts): one set per agency kind, which
 * a client's own row may override field by field (`client.limits`, set with
 * `hub clients limits`). `docs/access-matrix.md` is generated from it.
 */

/** What one client may send and spend. Every field is a maximum unless said otherwise. */
export interface ClientLimits {
  /** Nesting of fields in one operation (fragments expanded). */
  depth: number;
  /** Aliased fields in one document. */
  aliases: number;
  /** Directives in one document. */
  directives: number;
  /** Lexical tokens in one document. */
  tokens: number;
  /**
   * Estimated objects an answer may hold: every field of object type counts
   * 1, times the size of every list around it (`first`, or LIST_BOUNDS).
   */
  cost: number;
  /** Requests (HTTP operations and WebSocket subscribes) per window. */
  requests: number;
  /** The window of `requests`, in seconds. */
  windowSeconds: number;
  /** Lookups by ID number that find nothing, per UTC day. */
  missedIdLookups: number;
  /** Bytes of one JSON answer. */
  responseBytes: number;
  /** Whether the client may run only documents registered for it (`documentId`), never query text. */
  trustedDocumentsOnly: boolean;
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
  'missedIdLookups',
  'responseBytes',
  'trustedDocumentsOnly',
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
  missedIdLookups: 500,
  responseBytes: 5_000_000,
  trustedDocumentsOnly: false,
};

/** Agencies that read without case work (monitoring, statistics, audit): fewer lookups by ID number. */
const READERS: ClientLimits = { ...CASEWORK, depth: 8, aliases: 10, cost: 10_000, requests: 300, missedIdLookups: 50 };

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
  missedIdLookups: 20,
  responseBytes: 1_000_000,
  trustedDocumentsOnly: true,
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
  missedIdLookups: [0, 1_000_000],
  responseBytes: [1_000, 100_000_000],
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
