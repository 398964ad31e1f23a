import type { Prisma } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { isUniqueViolation } from '../../server/prisma.js';
import { formatDate, today } from '../../shared/dates.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors.js';
import type { IdLookupQuota } from '../../auth/lookup-quota.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { PersonRepository } from '../person/person.repository.js';
import type { PartnerPaymentRepository, StoredPayment } from './partner-payment.repository.js';
import { checkPayment, PAYMENT_FIELD_NAMES, type CheckedPayment, type PaymentFields, type PaymentKind } from './partner-payment.rules.js';

/**
 * Payments of the partners after the three layers: a charity's aid to the
 * persons referred to it, an insurer's claims for the persons who consented
 * (access-policy.md §4). A person outside the partner's referrals or consents
 * is NOT_FOUND, as an unknown one; named by an ID number, that counts against
 * the client's quota of lookups that find nothing. Idempotent by the partner's reference: the
 * same payment again returns the stored one, other content under the same
 * reference is a CONFLICT. Audited in the write's transaction.
 */
export class PartnerPaymentService {
  constructor(
    private readonly repository: PartnerPaymentRepository,
    private readonly persons: PersonRepository,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
    private readonly principal: Principal,
    /** Writes naming by `idNumber` a person not found, counted against the client's daily quota; none: not counted. */
    private readonly missedLookups: IdLookupQuota | null = null,
  ) {}

  async record(kind: PaymentKind, input: PaymentFields): Promise<StoredPayment> {
    const checked = checkPayment(kind, input, today());
    if ('reason' in checked) throw new BadUserInputError(`input.${checked.field} ${checked.reason}`, `input.${checked.field}`);
    const byNumber = !('personId' in checked.person);
    // A write by idNumber answers NOT_FOUND or not for a guessed number: a lookup as person(idNumber:) is, on the same quota.
    if (!('personId' in checked.person)) await this.missedLookups?.check(checked.person.idNumber);
    const person =
      'personId' in checked.person
        ? (await this.persons.findByIds([checked.person.personId], this.scope))[0]
        : await this.persons.findByIdNumber(checked.person.idNumber, this.scope);
    if (!person) {
      if (!('personId' in checked.person)) {
        const field = kind === 'CHARITY_AID' ? 'Mutation.recordCharityAid' : 'Mutation.recordCommercialClaim';
        await this.missedLookups?.missed(field, checked.person.idNumber);
      }
      const field = byNumber ? 'idNumber' : 'personId';
      throw new NotFoundError(`no person with this ${field === 'personId' ? 'id' : 'ID number'}`, `input.${field}`);
    }
    this.audit.record({ personIds: [person.id] });
    try {
      return await this.store(kind, person.id, checked);
    } catch (error) {
      // The same reference stored by a concurrent request: answer as a retry would.
      if (!isUniqueViolation(error)) throw error;
      return this.store(kind, person.id, checked);
    }
  }

  private store(kind: PaymentKind, personId: string, checked: CheckedPayment): Promise<StoredPayment> {
    return this.audit.transaction(async (tx) => {
      const existing = await this.repository.findByReference(tx, kind, this.principal.clientId, checked.reference);
      if (existing) {
        if (!samePayment(existing, personId, checked)) {
          const field = PAYMENT_FIELD_NAMES[kind].reference;
          throw new ConflictError(`${field} is already recorded with other content`, { argument: `input.${field}` });
        }
        return existing;
      }
      return this.repository.create(tx, kind, {
        personId,
        clientId: this.principal.clientId,
        amount: checked.amount,
        paidOn: checked.paidOn,
        reference: checked.reference,
        relatedClaimId: checked.relatedClaimId,
        note: kind === 'CHARITY_AID' ? checked.note : null,
      });
    });
  }
}

/** Whether a stored payment is the one `checked` describes. */
export function samePayment(stored: StoredPayment, personId: string, checked: CheckedPayment): boolean {
  return (
    stored.personId === personId &&
    stored.amount.equals(checked.amount) &&
    formatDate(stored.paidOn) === formatDate(checked.paidOn) &&
    (stored.relatedClaimId ?? null) === checked.relatedClaimId
  );
}
