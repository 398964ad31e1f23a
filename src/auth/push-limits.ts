import type { Agency } from '../generated/prisma/enums.js';

/**
 * Caps on what a client may hold open for pushes, as data beside the access
 * policy (access-policy.ts): webhooks it may register, and subscriptions it
 * may keep live. A default for every agency, overridden per agency where its
 * work needs more.
 */
export interface PushLimits {
  /** Active webhooks one client may have registered. */
  webhooksPerClient: number;
  /** Live subscriptions on one WebSocket connection. */
  subscriptionsPerConnection: number;
  /** Live subscriptions of one client over all its connections to this hub process (each process counts its own). */
  subscriptionsPerClient: number;
}

/** What every agency gets unless PUSH_LIMITS_BY_AGENCY says otherwise. */
export const DEFAULT_PUSH_LIMITS: PushLimits = {
  webhooksPerClient: 5,
  subscriptionsPerConnection: 10,
  subscriptionsPerClient: 20,
};

/** Per-agency overrides of {@link DEFAULT_PUSH_LIMITS}. None yet: every agency's pushes fit the defaults. */
export const PUSH_LIMITS_BY_AGENCY: Readonly<Partial<Record<Agency, Partial<PushLimits>>>> = {};

/** The push limits of an agency's clients. */
export function pushLimits(agency: Agency): PushLimits {
  return { ...DEFAULT_PUSH_LIMITS, ...PUSH_LIMITS_BY_AGENCY[agency] };
}
