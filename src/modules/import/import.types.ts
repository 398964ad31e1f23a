import type { Principal } from '../../auth/principal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Purpose } from '../../generated/prisma/enums.js';
import type { ExchangeEvents } from '../status/exchange.events.js';

/** The code of a refused row, as the mutation would answer it (src/shared/errors.ts). */
export type RejectCode = 'BAD_USER_INPUT' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';

/** Why a row cannot be stored: the field at fault, the code and a reason fit for the writer. */
export interface RowProblem {
  field: string | null;
  code: RejectCode;
  reason: string;
}

/** What became of one row of a batch. */
export type RowOutcome =
  | { line: number; outcome: 'STORED'; personId: string }
  | { line: number; outcome: 'UNCHANGED'; personId: string }
  | ({ line: number; outcome: 'REJECTED' } & RowProblem);

/** What an importer may call while it stores a batch. */
export interface ImportHooks {
  events: ExchangeEvents;
}

/**
 * One kind of import: how a row is read and checked (pure, with the
 * mutation's own rules), and how a batch of checked rows is stored inside the
 * caller's transaction (within the writer's rows, idempotent by the
 * mutation's key).
 */
export interface Importer<S extends { line: number }> {
  /** The agencies that may import this kind (as may call its mutation). */
  readonly agencies: readonly string[];
  /** The purposes the audit entry may declare, the first the client has. */
  readonly purposes: readonly Purpose[];
  stage(line: number, record: Record<string, unknown>, principal: Principal, today: Date): S | RowProblem;
  /** The row's key: two rows of one key are never in one batch (the later is stored after the earlier). */
  key(staged: S): string;
  store(tx: Prisma.TransactionClient, principal: Principal, batch: readonly S[], hooks: ImportHooks): Promise<RowOutcome[]>;
}

/** Turns a field reader's error or a rule's problem into a refused row. */
export function problem(field: string | null, reason: string, code: RejectCode = 'BAD_USER_INPUT'): RowProblem {
  return { field, code, reason };
}

/** Whether `staged` is a refusal. */
export function isRowProblem(value: object): value is RowProblem {
  return 'code' in value && 'reason' in value;
}
