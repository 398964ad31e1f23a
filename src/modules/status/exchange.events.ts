import type { Prisma } from '../../generated/prisma/client.js';

/** A stored certification version, as the hooks receive it. */
export interface CertificationEvent {
  statusId: string;
  personId: string;
  /** The version this one supersedes, when it corrects one. */
  supersedesId: string | null;
}

/**
 * EVENT HOOK POINT of the two-way exchange (issue #11, "Events"). Each write
 * calls its hook inside its own transaction, after the row is written and
 * before the audit entry commits: an outbox row written here commits with the
 * write or not at all. The pushes (subscription and webhook to the agencies
 * that act on the event) plug in here; until they do, `NO_EXCHANGE_EVENTS`
 * does nothing.
 */
export interface ExchangeEvents {
  /** A new certification or a new version of one (an amendment, a correction). */
  certified(tx: Prisma.TransactionClient, event: CertificationEvent): Promise<void>;
  /**
   * Many certifications of one transaction (a bulk import's batch): as many
   * `certified` calls, in a few statements. Without it, a writer calls `certified` for each.
   */
  certifiedMany?(tx: Prisma.TransactionClient, events: readonly CertificationEvent[]): Promise<void>;
  /** A certification revoked. */
  revoked(tx: Prisma.TransactionClient, event: CertificationEvent): Promise<void>;
  /** An application submitted: the deciding agency acts on it. */
  applicationSubmitted(tx: Prisma.TransactionClient, event: ApplicationEvent): Promise<void>;
  /** An application decided: fed back to the submitter. */
  applicationDecided(tx: Prisma.TransactionClient, event: ApplicationEvent): Promise<void>;
}

/** An application submitted or decided. */
export interface ApplicationEvent {
  applicationId: string;
  personId: string;
  /** The client that submitted the application: the one receiver of its decision. */
  submittedByClientId: string;
}

/** The hooks before the push plumbing is wired: nothing happens. */
export const NO_EXCHANGE_EVENTS: ExchangeEvents = {
  certified: async () => {},
  revoked: async () => {},
  applicationSubmitted: async () => {},
  applicationDecided: async () => {},
};
