import DataLoader from 'dataloader';
import { loaderFamily, manyByKey } from '../../shared/loader.js';
import type { PartnerPaymentRepository } from './partner-payment.repository.js';
import type { PaymentKind } from './partner-payment.rules.js';

/**
 * Per-request loaders of a person's partner payments, one batch per (kind,
 * year). `ownClientId` set: only that partner's own payments (a charity or an
 * insurer sees its own, access-policy.md §1).
 */
export function createPaymentLoaders(repository: PartnerPaymentRepository, ownClientId: string | null) {
  return {
    paymentsByPerson: loaderFamily(
      ({ kind, year }: { kind: PaymentKind; year: number | null }) =>
        new DataLoader(async (ids: readonly string[]) =>
          manyByKey(ids, await repository.findByPersonIds(kind, ids, year, ownClientId), (p) => p.personId),
        ),
    ),
  };
}
