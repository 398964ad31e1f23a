import type { Prisma } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { APPLICATION_DECIDER } from '../../auth/access-policy.js';
import { CursorList } from '../../shared/pagination.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { requireUuid } from '../../shared/validate.js';
import type { ApplicationStatus } from '../../generated/prisma/enums.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { PersonRepository } from '../person/person.repository.js';
import type { ExchangeEvents } from '../status/exchange.events.js';
import type { ApplicationInput } from './application.input.js';
import type { ApplicationRepository } from './application.repository.js';
import type { ApplicationDecision, AssistanceApplication } from './application.type.js';

const APPLICATIONS = new CursorList('application');

/**
 * Applications for assistance (依申请, domain.md §3): medical insurance or
 * civil affairs submits one for a person in its rows; it is forwarded to the
 * agency that decides for the category (分办转办, APPLICATION_DECIDER), which
 * approves or rejects it with a note within its rows. An approved application
 * opens settlement for its category within its period.
 */
export class ApplicationService {
  constructor(
    private readonly repository: ApplicationRepository,
    private readonly persons: PersonRepository,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
    private readonly principal: Principal,
    private readonly events: ExchangeEvents,
  ) {}

  async submit(input: ApplicationInput): Promise<AssistanceApplication> {
    const personId = requireUuid(input.personId, 'input.personId');
    const periodTo = input.periodTo ?? null;
    if (periodTo && periodTo < input.periodFrom) throw new BadUserInputError('input.periodTo is before periodFrom', 'input.periodTo');
    const reason = input.reason?.trim() || null;
    if (reason && [...reason].length > 500) throw new BadUserInputError('input.reason must be at most 500 characters', 'input.reason');
    const [person] = await this.persons.findByIds([personId], this.scope);
    if (!person) throw new NotFoundError('no person with this id', 'input.personId');
    this.audit.record({ personIds: [person.id] });
    return this.audit.transaction(async (tx) => {
      const application = await this.repository.create(tx, {
        personId: person.id,
        category: input.category,
        periodFrom: input.periodFrom,
        periodTo,
        reason,
        submittedBy: this.principal.agency,
        submittedByClientId: this.principal.clientId,
        decidingAgency: APPLICATION_DECIDER[input.category],
      });
      await this.events.applicationSubmitted(tx, {
        applicationId: application.id,
        personId: person.id,
        submittedByClientId: application.submittedByClientId,
      });
      return application;
    });
  }

  /** Approves or rejects; the same decision again is a replay, another one a CONFLICT. */
  async decide(id: string, decision: ApplicationDecision, note: string | null): Promise<AssistanceApplication> {
    const text = note?.trim() || null;
    if (text && [...text].length > 1000) throw new BadUserInputError('note must be at most 1000 characters', 'note');
    const application = await this.repository.findInScope(requireUuid(id, 'id'), this.scope);
    if (!application) throw new NotFoundError('no application with this id', 'id');
    if (application.decidingAgency !== this.principal.agency) {
      throw new ForbiddenError(`this application is decided by ${application.decidingAgency}`, { argument: 'id' });
    }
    this.audit.record({ personIds: [application.personId] });
    if (application.status !== 'SUBMITTED') {
      if (application.status === decision && application.decisionNote === text) return application;
      throw new ConflictError(`this application is already ${application.status}`, { argument: 'id' });
    }
    return this.audit.transaction(async (tx) => {
      const decided = await this.repository.decide(tx, application.id, {
        status: decision,
        decisionNote: text,
        decidedByClientId: this.principal.clientId,
      });
      if (!decided) throw new ConflictError('this application was decided meanwhile', { argument: 'id' });
      await this.events.applicationDecided(tx, {
        applicationId: decided.id,
        personId: decided.personId,
        submittedByClientId: decided.submittedByClientId,
      });
      return decided;
    });
  }

  /** The applications in the caller's rows that its agency decides or submitted, oldest first. */
  async list(status: ApplicationStatus | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    const { size, after: afterId } = APPLICATIONS.request(first, after);
    const rows = await this.repository.page(this.principal.agency, this.scope, status ?? null, size, afterId);
    const page = APPLICATIONS.page(rows, size, (application) => application.id);
    this.audit.record({ personIds: page.edges.map((edge) => edge.node.personId) });
    return page;
  }
}
