import type { Db } from '../../server/prisma.js';

/** Exchange events as stored; the only code that reads `hub_event` (and, for an event's detail, its application). */
export class EventRepository {
  constructor(private readonly db: Db) {}

  /** An event by id, or null. */
  findOne(id: string) {
    return this.db.hubEvent.findUnique({ where: { id } });
  }

  /**
   * What an event says of its subject besides its id: the decision and its note for `application.decided` (final once
   * made: a decision is never changed), nothing for the other kinds.
   */
  async detailOf(event: {
    kind: string;
    subjectId: string;
  }): Promise<{ decision: 'APPROVED' | 'REJECTED' | null; decisionNote: string | null }> {
    if (event.kind !== 'application.decided') return { decision: null, decisionNote: null };
    const application = await this.db.assistanceApplication.findUnique({
      where: { id: event.subjectId },
      select: { status: true, decisionNote: true },
    });
    const decision = application?.status === 'APPROVED' || application?.status === 'REJECTED' ? application.status : null;
    return { decision, decisionNote: application?.decisionNote ?? null };
  }
}
