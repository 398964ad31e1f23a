import { Decimal } from 'decimal.js';
import type { Principal } from '../../auth/principal.js';
import type { FundLevel } from '../../generated/prisma/enums.js';
import { BadUserInputError, ConflictError, ForbiddenError, HubError } from '../../shared/errors.js';
import { isAmount, Money, roundFen } from '../../shared/money.js';
import { isUniqueViolation } from '../../server/prisma.js';
import { requireYear } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { FundInflowRepository, NewFundInflow } from './fund-inflow.repository.js';
import type { FundInflow, FundInflowInput } from './fund-inflow.type.js';

const LEVELS: readonly FundLevel[] = ['CENTRAL', 'PROVINCIAL', 'CITY', 'COUNTY'];

/** One line of an import that was refused, and why. */
export interface RejectedLine {
  line: number;
  argument: string;
  message: string;
}

/** What an import did. */
export interface ImportReport {
  recorded: number;
  unchanged: number;
  rejected: RejectedLine[];
}

/** Records the fund's inflows for FINANCE, within its jurisdiction; the one place that validates them. */
export class FundInflowService {
  constructor(
    private readonly repository: FundInflowRepository,
    private readonly principal: Principal,
    private readonly audit: AuditWriter,
  ) {}

  /**
   * Stores an allocation (two with `splitCityDistrict`: the city's half and
   * the district's, which add up to the amount), with the audit entry in the
   * same transaction. Recording the same reference again with the same
   * content returns what is stored; with other content it is a CONFLICT.
   */
  async record(input: FundInflowInput): Promise<FundInflow[]> {
    if (this.principal.agency !== 'FINANCE') throw new ForbiddenError('only finance records the fund’s inflows');
    const rows = this.rowsOf(input);
    const existing = await this.replay(rows);
    if (existing) return existing;
    try {
      return await this.audit.transaction(async (tx) => {
        const stored = await this.repository.create(tx, rows);
        this.audit.record({ fields: stored.map((row) => `FundInflow:${row.id}`) });
        return stored;
      });
    } catch (error) {
      // Another writer stored the same reference meanwhile: answer as a retry would.
      if (isUniqueViolation(error)) {
        const replayed = await this.replay(rows);
        if (replayed) return replayed;
      }
      throw error;
    }
  }

  /**
   * Records many allocations (an import: NDJSON or CSV lines already parsed
   * into objects with the fields of FundInflowInput, amounts as strings). Each
   * line is stored whole or not at all; the refused ones are reported with
   * their line number and the field at fault.
   */
  async importLines(lines: readonly Record<string, unknown>[]): Promise<ImportReport> {
    const report: ImportReport = { recorded: 0, unchanged: 0, rejected: [] };
    for (const [index, line] of lines.entries()) {
      try {
        const input = inputOf(line);
        const rows = this.rowsOf(input);
        if (await this.replay(rows)) {
          report.unchanged += 1;
          continue;
        }
        await this.record(input);
        report.recorded += 1;
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        const argument = String((error.extensions as { argument?: unknown }).argument ?? '');
        report.rejected.push({ line: index + 1, argument, message: error.message });
      }
    }
    return report;
  }

  private rowsOf(input: FundInflowInput): NewFundInflow[] {
    if (!/^\d{6}$/.test(input.regionCode)) throw new BadUserInputError('regionCode must be a 6-digit region code', 'input.regionCode');
    if (!input.regionCode.startsWith(this.principal.jurisdiction)) {
      throw new BadUserInputError('regionCode must lie within the client’s jurisdiction', 'input.regionCode');
    }
    const year = requireYear(input.year, 'input.year');
    if (!Number.isInteger(input.month) || input.month < 1 || input.month > 12) {
      throw new BadUserInputError('month must be from 1 to 12', 'input.month');
    }
    const amount = new Money(input.amount);
    if (!amount.gt(0) || !amount.eq(roundFen(amount)) || amount.gte('1e12')) {
      throw new BadUserInputError('amount must be positive, in 元 with at most two decimals', 'input.amount');
    }
    if (input.documentNo != null && (input.documentNo.length === 0 || input.documentNo.length > 64)) {
      throw new BadUserInputError('documentNo must be 1 to 64 characters', 'input.documentNo');
    }
    if (!/^[\w.:/-]{1,80}$/.test(input.reference)) {
      throw new BadUserInputError('reference must be 1 to 80 letters, digits or . : / - _', 'input.reference');
    }
    const base = {
      regionCode: input.regionCode,
      year,
      month: input.month,
      documentNo: input.documentNo ?? null,
      recordedByClientId: this.principal.clientId,
    };
    if (input.splitCityDistrict) {
      if (input.level)
        throw new BadUserInputError('leave level out: a split allocation comes from the city and the district', 'input.level');
      if (input.regionCode.endsWith('00')) {
        throw new BadUserInputError('a split allocation goes to a district (county) fund, not a city’s own', 'input.regionCode');
      }
      // 1:1, the odd fen to the city: the two halves always add up to the amount.
      const city = amount.div(2).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      return [
        { ...base, level: 'CITY', amount: city.toFixed(2), reference: `${input.reference}/CITY` },
        { ...base, level: 'COUNTY', amount: amount.minus(city).toFixed(2), reference: `${input.reference}/COUNTY` },
      ];
    }
    if (!input.level) throw new BadUserInputError('level is required (or splitCityDistrict)', 'input.level');
    return [{ ...base, level: input.level, amount: amount.toFixed(2), reference: input.reference }];
  }

  /** The stored rows when all of `rows` are stored as given; null when none is; CONFLICT otherwise. */
  private async replay(rows: NewFundInflow[]): Promise<FundInflow[] | null> {
    const stored = await this.repository.findByReferences(rows.map((row) => row.reference));
    if (stored.length === 0) return null;
    const same =
      stored.length === rows.length &&
      rows.every((row) => {
        const found = stored.find((s) => s.reference === row.reference);
        return (
          found &&
          found.regionCode === row.regionCode &&
          found.year === row.year &&
          found.month === row.month &&
          found.level === row.level &&
          new Money(found.amount.toString()).eq(row.amount) &&
          found.documentNo === row.documentNo
        );
      });
    if (!same) throw new ConflictError('reference is already recorded with other content', { argument: 'input.reference' });
    return stored;
  }
}

/** A parsed import line as a FundInflowInput; malformed fields are bad input naming the field. */
export function inputOf(line: Record<string, unknown>): FundInflowInput {
  const text = (name: string, required: boolean): string | null => {
    const value = line[name];
    if (value === undefined || value === null || value === '') {
      if (required) throw new BadUserInputError(`${name} is required`, `input.${name}`);
      return null;
    }
    return String(value);
  };
  const integer = (name: string) => {
    const value = text(name, true)!;
    if (!/^\d{1,4}$/.test(value)) throw new BadUserInputError(`${name} must be a whole number`, `input.${name}`);
    return Number(value);
  };
  const amount = text('amount', true)!;
  if (!isAmount(amount)) throw new BadUserInputError('amount must be a string amount with at most two decimals', 'input.amount');
  const level = text('level', false);
  if (level !== null && !(LEVELS as readonly string[]).includes(level)) {
    throw new BadUserInputError(`level must be one of ${LEVELS.join(', ')}`, 'input.level');
  }
  const split = text('splitCityDistrict', false);
  return {
    regionCode: text('regionCode', true)!,
    year: integer('year'),
    month: integer('month'),
    level: level as FundLevel | null,
    amount: new Money(amount),
    documentNo: text('documentNo', false),
    reference: text('reference', true)!,
    splitCityDistrict: split === 'true' || split === '1',
  };
}
