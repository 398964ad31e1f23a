import type { Prisma } from '../../generated/prisma/client.js';
import type { Agency, Purpose } from '../../generated/prisma/enums.js';
import type { ExchangeEvents } from '../status/exchange.events.js';
import { uuidv7 } from '../../shared/uuid.js';

/** The NOTIFY channel on which every committed event's id is announced (the live feed of subscriptions). */
export const EVENT_CHANNEL = 'hub_event';

/** The kinds of event, and who acts on each (issue #11, domain.md §3). */
export const EVENT_ROUTES = {
  /** Medical insurance of the person's jurisdiction subsidises on a new certification. */
  'certification.granted': { targets: ['MEDICAL_INSURANCE'], purpose: 'ASSISTANCE_ELIGIBILITY' },
  /** …and stops on an ended one. */
  'certification.revoked': { targets: ['MEDICAL_INSURANCE'], purpose: 'ASSISTANCE_ELIGIBILITY' },
  /** The client that submitted an application hears of its decision (the only receiver: `targetClientId`). */
  'application.decided': { targets: ['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS'], purpose: 'ASSISTANCE_ELIGIBILITY' },
} as const satisfies Record<string, { targets: readonly Agency[]; purpose: Purpose }>;

/** One of the kinds of {@link EVENT_ROUTES}. */
export type EventKind = keyof typeof EVENT_ROUTES;

/** What a write says happened. */
export interface EventDraft {
  kind: EventKind;
  personId: string;
  /** The certification or application it is about. */
  subjectId: string;
  /** Only this client receives it (the submitter of an application). */
  targetClientId?: string | null;
}

/** Puts an event's fan-out on the queue, in the caller's transaction. */
export interface EventOutbox {
  enqueueEvent(tx: Prisma.TransactionClient, eventId: string): Promise<void>;
  /** The hub's own follow-up of a new certification version (subsidy decision, supplementary assistance). */
  enqueueFollowUp(tx: Prisma.TransactionClient, statusId: string): Promise<void>;
  /**
   * The fan-out of a batch of events (`hub_event.batch_id`), and with `followUps` the follow-up of the certification
   * versions they are about: one job each for the whole batch, which the dispatcher expands.
   */
  enqueueEventBatch(tx: Prisma.TransactionClient, batchId: string, options: { followUps: boolean }): Promise<void>;
}

/** The NOTIFY payload that announces a batch of events: the feed reads their ids (`hub_event.batch_id`). */
export const BATCH_NOTICE_PREFIX = 'batch:';

/**
 * Records the events of the agencies' writes: the row, its outbox job and its
 * NOTIFY, all in the write's transaction, so an event exists (and goes out,
 * at least once) exactly when the write commits. A write calls `record` and
 * nothing else.
 */
export class EventStore {
  constructor(private readonly outbox: EventOutbox | null) {}

  /** Stores the event in the caller's transaction; returns its id. */
  async record(tx: Prisma.TransactionClient, draft: EventDraft): Promise<string> {
    const { targets, purpose } = EVENT_ROUTES[draft.kind];
    const event = await tx.hubEvent.create({
      data: {
        kind: draft.kind,
        personId: draft.personId,
        subjectId: draft.subjectId,
        targets: [...targets],
        purpose,
        targetClientId: draft.targetClientId ?? null,
      },
      select: { id: true },
    });
    await this.outbox?.enqueueEvent(tx, event.id);
    // Delivered on commit only: subscribers never hear of a write that rolled back.
    await tx.$executeRaw`SELECT pg_notify(${EVENT_CHANNEL}, ${event.id})`;
    return event.id;
  }

  /**
   * Stores many events in the caller's transaction (a bulk import's batch), in three statements whatever
   * their number: the rows, sharing a batch id; one outbox job for their fan-out (and one for the follow-up of the
   * certifications, with `followUps`), which the dispatcher expands into the events' own; one NOTIFY naming the batch,
   * which the feed expands into the events' ids. Returns the batch id, or null when there is nothing to store.
   */
  async recordMany(
    tx: Prisma.TransactionClient,
    drafts: readonly EventDraft[],
    options: { followUps?: boolean } = {},
  ): Promise<string | null> {
    if (drafts.length === 0) return null;
    // One INSERT from arrays: Prisma's createMany binds every value of every row, seconds for a batch of thousands.
    const batchId = uuidv7();
    const ids = drafts.map(() => uuidv7());
    const route = (draft: EventDraft) => EVENT_ROUTES[draft.kind];
    await tx.$executeRaw`
      INSERT INTO hub_event (id, kind, person_id, subject_id, targets, purpose, target_client_id, batch_id)
      SELECT id, kind, person_id, subject_id, string_to_array(targets, ',')::"Agency"[], purpose, target_client_id, ${batchId}::uuid
      FROM unnest(${ids}::uuid[], ${drafts.map((d) => d.kind)}::text[], ${drafts.map((d) => d.personId)}::uuid[],
        ${drafts.map((d) => d.subjectId)}::uuid[], ${drafts.map((d) => route(d).targets.join(','))}::text[],
        ${drafts.map((d) => route(d).purpose)}::"Purpose"[], ${drafts.map((d) => d.targetClientId ?? null)}::uuid[])
        AS t(id, kind, person_id, subject_id, targets, purpose, target_client_id)`;
    await this.outbox?.enqueueEventBatch(tx, batchId, { followUps: options.followUps ?? false });
    await tx.$executeRaw`SELECT pg_notify(${EVENT_CHANNEL}, ${BATCH_NOTICE_PREFIX + batchId})`;
    return batchId;
  }

  /** The exchange's hook point (exchange.events.ts) wired to this store. */
  exchangeEvents(): ExchangeEvents {
    return {
      // The deciding agency lists what awaits it (`applications(status: SUBMITTED)`); a submission is no event of its own.
      applicationSubmitted: async () => {},
      applicationDecided: async (tx, event) =>
        void (await this.record(tx, {
          kind: 'application.decided',
          personId: event.personId,
          subjectId: event.applicationId,
          targetClientId: event.submittedByClientId,
        })),
      certified: async (tx, event) => {
        await this.record(tx, { kind: 'certification.granted', personId: event.personId, subjectId: event.statusId });
        // Committed with the certification, like its event: the subsidy decision cannot be lost between the two.
        await this.outbox?.enqueueFollowUp(tx, event.statusId);
      },
      certifiedMany: async (tx, events) =>
        void (await this.recordMany(
          tx,
          events.map((event) => ({ kind: 'certification.granted', personId: event.personId, subjectId: event.statusId })),
          // Committed with the certifications, like their events: no subsidy decision is lost between the two.
          { followUps: true },
        )),
      revoked: async (tx, event) =>
        void (await this.record(tx, { kind: 'certification.revoked', personId: event.personId, subjectId: event.statusId })),
    };
  }
}
