import type { Prisma } from '../../generated/prisma/client.js';
import type { Agency, ApplicationStatus, AssistanceCategory } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** Reads and writes applications; the only code that touches their table. */
export class ApplicationRepository {
  constructor(private readonly db: Db) {}

  create(
    tx: Prisma.TransactionClient,
    data: {
      personId: string;
      category: AssistanceCategory;
      periodFrom: Date;
      periodTo: Date | null;
      reason: string | null;
      submittedBy: Agency;
      submittedByClientId: string;
      decidingAgency: Agency;
    },
  ) {
    return tx.assistanceApplication.create({ data });
  }

  /** The application, when its person lies within `personScope`. */
  findInScope(id: string, personScope: Prisma.PersonWhereInput) {
    return this.db.assistanceApplication.findFirst({ where: { id, person: personScope } });
  }

  /** Decides a submitted application; null when it is no longer SUBMITTED (decided meanwhile). */
  async decide(
    tx: Prisma.TransactionClient,
    id: string,
    data: { status: ApplicationStatus; decisionNote: string | null; decidedByClientId: string },
  ) {
    const { count } = await tx.assistanceApplication.updateMany({
      where: { id, status: 'SUBMITTED' },
      data: { ...data, decidedAt: new Date() },
    });
    return count === 1 ? tx.assistanceApplication.findUniqueOrThrow({ where: { id } }) : null;
  }

  /** The persons' applications, newest first. */
  findByPersonIds(ids: readonly string[]) {
    return this.db.assistanceApplication.findMany({
      where: { personId: { in: padKeys(ids) } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** A page (one more than asked) of the applications in scope that `agency` decides or submitted, with `status`, oldest first. */
  page(agency: Agency, personScope: Prisma.PersonWhereInput, status: ApplicationStatus | null, first: number, afterId: string | null) {
    const where: Prisma.AssistanceApplicationWhereInput = {
      person: personScope,
      OR: [{ decidingAgency: agency }, { submittedBy: agency }],
      ...(status ? { status } : {}),
      ...(afterId ? { id: { gt: afterId } } : {}),
    };
    return this.db.assistanceApplication.findMany({ where, orderBy: { id: 'asc' }, take: first + 1 });
  }

  /** The approved applications of a person whose period covers `date`. */
  approvedCovering(personId: string, date: Date) {
    return this.db.assistanceApplication.findMany({
      where: { personId, status: 'APPROVED', periodFrom: { lte: date }, OR: [{ periodTo: null }, { periodTo: { gte: date } }] },
      orderBy: { decidedAt: 'asc' },
      select: { id: true, category: true },
    });
  }
}
