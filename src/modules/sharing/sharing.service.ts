import type { Prisma } from '../../generated/prisma/client.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import { BadUserInputError, NotFoundError } from '../../shared/errors.js';
import { requireUuid } from '../../shared/validate.js';
import type { SharingGrantInput } from './sharing.input.js';
import type { GrantKind, SharingRepository } from './sharing.repository.js';
import type { SharingGrant, SharingGrantConnection } from './sharing.type.js';
import { CursorList } from '../../shared/pagination.js';
import { today } from '../../shared/dates.js';

const PARTNER = {
  REFERRAL: { agency: 'CHARITY', purpose: 'CHARITY_AID' },
  CONSENT: { agency: 'INSURER', purpose: 'CLAIM_COORDINATION' },
} as const;

/** The pages of active grants, one cursor kind per grant kind. */
const GRANTS: Record<GrantKind, CursorList> = { REFERRAL: new CursorList('referral'), CONSENT: new CursorList('consent') };

/**
 * Creates and ends referrals and consents. The writer's own rows bound what it
 * may grant: a person outside them is "not found", as an unknown one is, so a
 * write confirms no existence either. Each write and its audit entry commit together.
 */
export class SharingService {
  constructor(
    private readonly repository: SharingRepository,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
    private readonly writerClientId: string,
  ) {}

  async grant(kind: GrantKind, input: SharingGrantInput): Promise<SharingGrant> {
    const personId = requireUuid(input.personId, 'input.personId');
    const clientId = requireUuid(input.clientId, 'input.clientId');
    if (input.validTo && input.validTo < input.validFrom) throw new BadUserInputError('validTo is before validFrom', 'input.validTo');
    const partner = await this.repository.activeClient(clientId);
    if (partner?.agency !== PARTNER[kind].agency) {
      throw new BadUserInputError(`input.clientId is not an active ${PARTNER[kind].agency} client`, 'input.clientId');
    }
    if (!(await this.repository.personInScope(personId, this.scope))) throw new NotFoundError('no person with this id', 'input.personId');
    return this.audit.transaction(async (tx) => {
      this.audit.record({ personIds: [personId] });
      return this.repository.create(tx, kind, {
        personId,
        clientId,
        purpose: PARTNER[kind].purpose,
        validFrom: input.validFrom,
        validTo: input.validTo ?? null,
        createdByClientId: this.writerClientId,
      });
    });
  }

  async end(kind: GrantKind, id: string): Promise<SharingGrant> {
    const existing = await this.repository.findInScope(kind, requireUuid(id, 'id'), this.scope);
    if (!existing) throw new NotFoundError(`no ${kind === 'REFERRAL' ? 'referral' : 'consent'} with this id`, 'id');
    if (existing.revokedAt) return existing;
    return this.audit.transaction(async (tx) => {
      this.audit.record({ personIds: [existing.personId] });
      return this.repository.revoke(tx, kind, existing.id, new Date());
    });
  }

  /**
   * The calling partner's own active referrals (a charity) or consents (an
   * insurer): exactly the persons in its rows today. Audited as a read of them.
   */
  async activeOwn(kind: GrantKind, first: number | null | undefined, after: string | null | undefined): Promise<SharingGrantConnection> {
    const list = GRANTS[kind];
    const { size, after: afterId } = list.request(first, after);
    const { rows, totalCount } = await this.repository.activePage(kind, this.writerClientId, today(), size, afterId);
    const page = list.page(rows, size, (grant) => grant.id);
    this.audit.record({ personIds: page.edges.map((edge) => edge.node.personId) });
    return { ...page, totalCount };
  }
}
