import type { Prisma } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { CERTIFYING_AGENCY } from '../../auth/access-policy.js';
import { formatDate } from '../../shared/dates.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { requireUuid } from '../../shared/validate.js';
import type { IdLookupQuota } from '../../auth/lookup-quota.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { PersonRepository } from '../person/person.repository.js';
import type { CertificationInput } from './certification.input.js';
import { checkCertification, isProblem, sameCertification, type CheckedCertification } from './certification.rules.js';
import type { ExchangeEvents } from './exchange.events.js';
import type { HouseholdStatusRepository } from './household-status.repository.js';
import type { HouseholdStatus } from './household-status.type.js';

type StoredStatus = Awaited<ReturnType<HouseholdStatusRepository['create']>>;

/**
 * Certifications written by the agencies that own their categories (civil
 * affairs, rural revitalization): certify, amend (end, extend, transition)
 * and revoke, each within the writer's rows and audited in its transaction.
 * History is never overwritten: every change of dates or class is a new
 * version naming the one it supersedes; a revocation marks the current version.
 */
export class CertificationService {
  constructor(
    private readonly statuses: HouseholdStatusRepository,
    private readonly persons: PersonRepository,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
    private readonly principal: Principal,
    private readonly events: ExchangeEvents,
    /** Certifications naming by `idNumber` a person not found, counted against the client's daily quota; none: not counted. */
    private readonly missedLookups: IdLookupQuota | null = null,
  ) {}

  /** Certifies; the same (agency, documentNo) with the same content returns the stored version unchanged. */
  async certify(input: CertificationInput): Promise<HouseholdStatus> {
    const checked = checkCertification(input, this.principal.agency);
    if (isProblem(checked)) {
      const argument = `input.${checked.field}`;
      throw checked.forbidden
        ? new ForbiddenError(checked.reason, { argument })
        : new BadUserInputError(`${argument} ${checked.reason}`, argument);
    }
    const byNumber = !('personId' in checked.person);
    // A write by idNumber answers NOT_FOUND or not for a guessed number: a lookup as person(idNumber:) is, on the same quota.
    if (!('personId' in checked.person)) await this.missedLookups?.check(checked.person.idNumber);
    const person =
      'personId' in checked.person
        ? (await this.persons.findByIds([checked.person.personId], this.scope))[0]
        : await this.persons.findByIdNumber(checked.person.idNumber, this.scope);
    if (!person) {
      if (!('personId' in checked.person)) await this.missedLookups?.missed('Mutation.certifyStatus', checked.person.idNumber);
      const field = byNumber ? 'idNumber' : 'personId';
      throw new NotFoundError(`no person with this ${field === 'personId' ? 'id' : 'ID number'}`, `input.${field}`);
    }
    this.audit.record({ personIds: [person.id] });
    return this.audit.transaction((tx) => this.store(tx, person.id, checked));
  }

  /**
   * Stores `checked` for `personId` in `tx`: nothing when the current version of
   * its document says the same, a new version superseding it when it differs.
   */
  private async store(tx: Prisma.TransactionClient, personId: string, checked: CheckedCertification): Promise<StoredStatus> {
    const agency = this.principal.agency;
    await this.statuses.lockDocument(tx, agency, checked.documentNo);
    const current = await this.statuses.currentByDocument(tx, agency, checked.documentNo);
    if (current) {
      if (current.personId !== personId || current.category !== checked.category) {
        throw new ConflictError('documentNo already certifies another person or category', { argument: 'input.documentNo' });
      }
      if (current.revokedAt) throw new ConflictError('the certification of this documentNo is revoked', { argument: 'input.documentNo' });
      if (sameCertification(current, personId, checked)) return current;
    }
    const stored = await this.statuses.create(tx, {
      personId,
      category: checked.category,
      class: checked.class,
      certifiedBy: agency,
      documentNo: checked.documentNo,
      validFrom: checked.validFrom,
      validTo: checked.validTo,
      transitionUntil: checked.transitionUntil,
      retroactive: checked.retroactive,
      supersedesId: current?.id ?? null,
      certifiedByClientId: this.principal.clientId,
    });
    await this.events.certified(tx, { statusId: stored.id, personId, supersedesId: stored.supersedesId });
    return stored;
  }

  /**
   * Ends, extends or puts into transition the certification `id`: a new
   * version with the same document, category and class and the new end dates.
   */
  async amend(id: string, validTo: Date | null, transitionUntil: Date | null): Promise<HouseholdStatus> {
    const current = await this.ownCurrent(id);
    if (!current.documentNo) throw new ConflictError('this certification has no documentNo: certify it anew', { argument: 'id' });
    const checked = checkCertification(
      {
        personId: current.personId,
        category: current.category,
        class: current.class,
        documentNo: current.documentNo ?? '',
        validFrom: current.validFrom,
        validTo,
        transitionUntil,
        retroactive: current.retroactive,
      },
      this.principal.agency,
    );
    if (isProblem(checked)) throw new BadUserInputError(`${checked.field} ${checked.reason}`, checked.field);
    this.audit.record({ personIds: [current.personId] });
    return this.audit.transaction(async (tx) => {
      await this.statuses.lockDocument(tx, this.principal.agency, checked.documentNo);
      // Re-read under the lock: a concurrent amendment may have superseded it.
      const latest = await this.statuses.currentByDocument(tx, this.principal.agency, checked.documentNo);
      if (latest?.id !== current.id) throw new ConflictError('this certification has been superseded meanwhile', { argument: 'id' });
      return this.store(tx, current.personId, checked);
    });
  }

  /** Revokes the certification `id` from `effectiveOn` (not active on that day and after); the same revocation again changes nothing. */
  async revoke(id: string, reason: string, effectiveOn: Date): Promise<HouseholdStatus> {
    const text = reason.trim();
    if (text.length === 0 || text.length > 200) throw new BadUserInputError('reason must be 1 to 200 characters', 'reason');
    const current = await this.ownCurrent(id);
    if (effectiveOn < current.validFrom) throw new BadUserInputError('effectiveOn is before the certification’s validFrom', 'effectiveOn');
    if (current.revokedAt) {
      if (formatDate(current.revokedAt) === formatDate(effectiveOn) && current.revokeReason === text) return current;
      throw new ConflictError(`already revoked on ${formatDate(current.revokedAt)}`, { argument: 'id' });
    }
    this.audit.record({ personIds: [current.personId] });
    return this.audit.transaction(async (tx) => {
      const revoked = await this.statuses.revoke(tx, current.id, {
        revokedAt: effectiveOn,
        revokeReason: text,
        revokedByClientId: this.principal.clientId,
      });
      await this.events.revoked(tx, { statusId: revoked.id, personId: revoked.personId, supersedesId: revoked.supersedesId });
      return revoked;
    });
  }

  /** The current version `id` of a person in the writer's rows, of a category the writer certifies. */
  private async ownCurrent(id: string) {
    const status = await this.statuses.findInScope(requireUuid(id, 'id'), this.scope);
    if (!status) throw new NotFoundError('no certification with this id', 'id');
    if (CERTIFYING_AGENCY[status.category] !== this.principal.agency) {
      throw new ForbiddenError(`${status.category} is certified by ${CERTIFYING_AGENCY[status.category]}`, { argument: 'id' });
    }
    if (status.supersededBy) {
      throw new ConflictError(`this version is superseded by ${status.supersededBy.id}`, {
        argument: 'id',
        supersededBy: status.supersededBy.id,
      });
    }
    return status;
  }
}
