import type { Prisma } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { CursorList } from '../../shared/pagination.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors.js';
import { requireMonth, requireRegionPrefix, requireUuid } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { AlertOutcome } from '../../shared/enums.js';
import type { AlertsArgs } from './alert.args.js';
import type { AlertRepository } from './alert.repository.js';
import type { Alert, AlertConnection } from './alert.type.js';

const ALERTS = new CursorList('alert');
/**
 * Lists alerts within the client's reach and moves them through their
 * lifecycle: raised → delivered → under review → closed with an outcome. Only
 * a target agency moves an alert, and only within its rows; every move and
 * its audit entry commit together.
 */
export class AlertService {
  constructor(
    private readonly repository: AlertRepository,
    /** The alerts this principal may see (`alertScope`). */
    private readonly scope: Prisma.AlertWhereInput,
    private readonly principal: Principal,
    private readonly audit: AuditWriter,
  ) {}

  /** A page of the alerts within reach and the filter, with counts by status; the persons returned are audited. */
  async list({ filter, first, after }: AlertsArgs): Promise<AlertConnection> {
    const request = ALERTS.request(first, after);
    const where: Prisma.AlertWhereInput = { AND: [this.scope, this.filterWhere(filter ?? {})] };
    const [rows, counts] = await Promise.all([
      this.repository.page(where, request.take, request.after),
      this.repository.countsByStatus(where),
    ]);
    const page = ALERTS.page(rows, request.size, (alert) => alert.id);
    this.audit.record({ personIds: page.edges.map((edge) => edge.node.personId) });
    return {
      ...page,
      totalCount: counts.reduce((sum, c) => sum + c.count, 0),
      countsByStatus: counts,
    };
  }

  /** Takes an alert under review (idempotent while it is under review). */
  review(id: string): Promise<Alert> {
    return this.moveTo(id, 'UNDER_REVIEW');
  }

  /** Records the outcome and closes the alert; a closed alert is not reopened. */
  close(id: string, outcome: AlertOutcome, note: string): Promise<Alert> {
    const trimmed = note.trim();
    if (trimmed.length === 0 || trimmed.length > 1000) throw new BadUserInputError('note must be 1 to 1 000 characters', 'note');
    return this.moveTo(id, 'CLOSED', { outcome, note: trimmed });
  }

  private async moveTo(id: string, status: 'UNDER_REVIEW' | 'CLOSED', detail: { outcome?: AlertOutcome; note?: string } = {}) {
    const alertId = requireUuid(id, 'id');
    const existing = await this.repository.findOne({ AND: [this.scope, { id: alertId }] });
    if (!existing) throw new NotFoundError('no alert with this id', 'id');
    this.audit.record({ personIds: [existing.personId] });
    if (status === 'UNDER_REVIEW' && existing.status === 'UNDER_REVIEW') return existing;
    if (existing.status === 'CLOSED') throw new ConflictError(`the alert is closed with outcome ${existing.outcome}`, { argument: 'id' });
    return this.audit.transaction(async (tx) => {
      const moved = await this.repository.move(
        tx,
        alertId,
        ['RAISED', 'DELIVERED', ...(status === 'CLOSED' ? (['UNDER_REVIEW'] as const) : [])],
        {
          status,
          ...detail,
          handledByClientId: this.principal.clientId,
        },
      );
      if (!moved) throw new ConflictError('the alert was moved by another client meanwhile; read it again', { argument: 'id' });
      return moved;
    });
  }

  private filterWhere(filter: NonNullable<AlertsArgs['filter']>): Prisma.AlertWhereInput {
    const where: Prisma.AlertWhereInput = {};
    if (filter.status) where.status = filter.status;
    if (filter.month) where.month = requireMonth(filter.month, 'filter.month');
    if (filter.rule) where.rule = filter.rule;
    if (filter.regionPrefix) where.person = { regionCode: { startsWith: requireRegionPrefix(filter.regionPrefix, 'filter.regionPrefix') } };
    return where;
  }
}
