import type { Db } from '../../server/prisma.js';

/** Exchange events as stored; the only code that reads `hub_event`. */
export class EventRepository {
  constructor(private readonly db: Db) {}

  /** An event by id, or null. */
  findOne(id: string) {
    return this.db.hubEvent.findUnique({ where: { id } });
  }
}
