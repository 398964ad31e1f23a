import type { Prisma } from '../../generated/prisma/client.js';
import type { Decimal } from 'decimal.js';
import { CursorList, keysetChunks, PAGE, type Page } from '../../shared/pagination.js';
import { formatMoney, minMoney, Money } from '../../shared/money.js';
import { requireYear } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import {
  householdResidual,
  overHouseholdCap,
  overPersonCap,
  personResidual,
  residualRuleSets,
  type HouseholdResidual as ComputedHousehold,
  type PersonResidual as Computed,
  type ResidualMember,
} from '../policy/residual.engine.js';
import type { ResidualRule } from '../policy/rule-set.data.js';
import type { ExplanationStep } from '../policy/policy.types.js';
import type { ResidualRepository } from './residual.repository.js';
import type { HouseholdResidual, PersonResidual } from './residual.type.js';

const OVER_CAP = new CursorList('residual');
const HOUSEHOLDS_OVER_CAP = new CursorList('household-residual');

const NOT_APPLICABLE: ExplanationStep = {
  step: 'notApplicable',
  amount: null,
  detail: 'no counted visit of the year was settled under a rule set with 动态清零 (only jiaxing-2023 has one): no cap applies',
  citation: '嘉政办发〔2022〕58号 二(二)12',
};

function present(computed: Computed): PersonResidual {
  return {
    personId: computed.personId,
    year: computed.year,
    ruleSet: computed.ruleSet,
    visitsCounted: computed.visitsCounted,
    outOfPocket: formatMoney(computed.outOfPocket),
    partnerPaid: formatMoney(computed.partnerPaid),
    residual: formatMoney(computed.residual),
    cap: computed.cap === null ? null : formatMoney(computed.cap),
    excess: formatMoney(computed.excess),
    explanation: [...computed.explanation, ...(computed.ruleSet === null ? [NOT_APPLICABLE] : [])],
  };
}

/** Jiaxing's 动态清零 from stored rows: the repository gathers, the pure engine computes. */
export class ResidualService {
  constructor(
    private readonly repository: ResidualRepository,
    /** The caller's row scope: the over-cap list never leaves it. */
    private readonly scope: Prisma.PersonWhereInput = {},
    private readonly audit: Pick<AuditWriter, 'record'> | null = null,
    /** A region prefix the caller's row scope lies within: SQL narrows the households' candidates to it. */
    private readonly regionPrefix = '',
  ) {}

  /**
   * The persons within the caller's rows whose residual in `year` is above the person cap, a keyset page in id order
   * (see `overCapPage`). Every person of the page is recorded in the operation's audit entry, whatever the client
   * selects of them.
   */
  overCap(year: number, first: number | null | undefined, after: string | null | undefined): Promise<OverCapPage<PersonResidual>> {
    return this.overCapPage(
      {
        cursors: OVER_CAP,
        cap: (rule) => rule.personCap,
        candidates: (checked, ruleSets, above, afterId, take) =>
          this.repository.candidatesOver(checked, ruleSets, above, this.scope, afterId, take),
        key: (personId) => personId,
        memberIds: (personId) => [personId],
        over: (_candidates, members, checked) => members.map((member) => personResidual(member, checked)).filter(overPersonCap),
        nodeKey: (person) => person.personId,
        personIds: (person) => [person.personId],
        present,
      },
      year,
      first,
      after,
    );
  }

  /** The residual of a person the caller may already see. */
  async forPerson(personId: string, year: number): Promise<PersonResidual> {
    const [member] = await this.repository.membersOf([personId], year);
    return present(personResidual(member!, year));
  }

  /** The residual of a household over the members the caller may see. */
  async forHousehold(householdId: string, memberIds: readonly string[], year: number): Promise<HouseholdResidual> {
    return presentHousehold(householdId, householdResidual(await this.repository.membersOf(memberIds, year), year));
  }

  /**
   * The households with members in the caller's rows whose residual in `year`, over those members (as
   * `Household.residual` counts it), is above the household cap: a keyset page in household id order (see
   * `overCapPage`). Every member of the page's households is recorded in the audit entry.
   */
  householdsOverCap(
    year: number,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<OverCapPage<HouseholdResidual>> {
    return this.overCapPage(
      {
        cursors: HOUSEHOLDS_OVER_CAP,
        cap: (rule) => rule.householdCap,
        candidates: (checked, ruleSets, above, afterId, take) =>
          this.repository.householdCandidatesOver(checked, ruleSets, above, this.scope, this.regionPrefix, afterId, take),
        key: (household) => household.householdId,
        memberIds: (household) => household.memberIds,
        over: (candidates, members, checked) =>
          candidates.flatMap(({ householdId, memberIds }) => {
            const computed = householdResidual(
              members.filter((member) => memberIds.includes(member.personId)),
              checked,
            );
            return overHouseholdCap(computed) ? [{ householdId, computed }] : [];
          }),
        nodeKey: (household) => household.householdId,
        personIds: (household) => household.computed.members.map((member) => member.personId),
        present: (household) => presentHousehold(household.householdId, household.computed),
      },
      year,
      first,
      after,
    );
  }

  /**
   * A page of an over-cap list (`list`), paged in SQL: the candidates after the cursor are read a page and one at a
   * time in key order (SQL narrows to those whose settled out-of-pocket under a rule set with 动态清零 exceeds the
   * lowest cap: none else can be over it), their members' year in one read of three statements, and the engine keeps
   * those over the cap; more candidates are read only when some were not over it. `totalCount` is a walk of the
   * whole list, made only when the client selects it.
   */
  private async overCapPage<C, N, P>(
    list: OverCapList<C, N, P>,
    year: number,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<OverCapPage<P>> {
    const checked = requireYear(year);
    const request = list.cursors.request(first, after);
    const rules = residualRuleSets();
    const ruleSets = rules.map(({ id }) => id);
    const lowest = rules.map(({ rule }) => new Money(list.cap(rule))).reduce<Decimal | null>((a, b) => (a ? minMoney(a, b) : b), null);
    const read = (afterKey: string | null, take: number): Promise<C[]> =>
      lowest === null ? Promise.resolve([]) : list.candidates(checked, ruleSets, lowest, afterKey, take);
    const keep = async (candidates: C[]): Promise<N[]> =>
      list.over(candidates, await this.repository.membersOf(candidates.flatMap(list.memberIds), checked), checked);
    const { edges, pageInfo } = await list.cursors.pageKept(request, read, list.key, keep, list.nodeKey);
    this.audit?.record({ personIds: edges.flatMap((edge) => list.personIds(edge.node)) });
    let counted: Promise<number> | null = null;
    const count = async () => {
      let total = 0;
      for await (const candidates of keysetChunks(read, list.key, null, PAGE.max)) total += (await keep(candidates)).length;
      return total;
    };
    return {
      edges: edges.map(({ node, cursor }) => ({ node: list.present(node), cursor })),
      pageInfo,
      totalCount: () => (counted ??= count()),
    };
  }
}

/** A page of an over-cap list; `totalCount` counts the whole list when called (once). */
export interface OverCapPage<P> extends Page<P> {
  totalCount(): Promise<number>;
}

/** What an over-cap list reads and computes: its candidates (`C`), the computed nodes over the cap (`N`), as presented (`P`). */
interface OverCapList<C, N, P> {
  readonly cursors: CursorList;
  /** The cap of a rule set's 动态清零 rule this list is over. */
  readonly cap: (rule: ResidualRule) => string;
  /** The next `take` candidates after `after`, in key order. */
  readonly candidates: (year: number, ruleSets: readonly string[], above: Decimal, after: string | null, take: number) => Promise<C[]>;
  readonly key: (candidate: C) => string;
  /** The persons whose year a candidate's computation reads. */
  readonly memberIds: (candidate: C) => string[];
  /** The candidates over the cap, in their order, computed from their members' year. */
  readonly over: (candidates: C[], members: ResidualMember[], year: number) => N[];
  readonly nodeKey: (node: N) => string;
  /** The persons a node names, for the audit entry. */
  readonly personIds: (node: N) => string[];
  readonly present: (node: N) => P;
}

function presentHousehold(householdId: string, computed: ComputedHousehold): HouseholdResidual {
  return {
    householdId,
    year: computed.year,
    members: computed.members.map(present),
    residual: formatMoney(computed.residual),
    cap: computed.cap === null ? null : formatMoney(computed.cap),
    excess: formatMoney(computed.excess),
    fundCovers: formatMoney(computed.fundCovers),
    explanation: computed.cap === null ? [NOT_APPLICABLE] : [...computed.explanation],
  };
}
