import type { Prisma } from '../../generated/prisma/client.js';
import { CursorList } from '../../shared/pagination.js';
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
} from '../policy/residual.engine.js';
import type { ExplanationStep } from '../policy/policy.types.js';
import type { ResidualRepository } from './residual.repository.js';
import type { HouseholdResidual, HouseholdResidualOverCapConnection, PersonResidual, ResidualOverCapConnection } from './residual.type.js';

const OVER_CAP = new CursorList('residual');
const HOUSEHOLDS_OVER_CAP = new CursorList('household-residual');
// The candidates' records are read this many persons at a time: three statements per batch.
const BATCH = 500;

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
  ) {}

  /**
   * The persons within the caller's rows whose residual in `year` is above the person cap, a keyset page in id order.
   * SQL narrows to the persons whose settled out-of-pocket under a rule set with 动态清零 exceeds the lowest person
   * cap (none else can be over it); the engine computes each one's residual. Every person of the page is recorded in
   * the operation's audit entry, whatever the client selects of them.
   */
  async overCap(year: number, first: number | null | undefined, after: string | null | undefined): Promise<ResidualOverCapConnection> {
    const checked = requireYear(year);
    const { size, after: afterId } = OVER_CAP.request(first, after);
    const rules = residualRuleSets();
    if (rules.length === 0) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    const lowest = rules.map(({ rule }) => new Money(rule.personCap)).reduce((a, b) => minMoney(a, b));
    const candidates = await this.repository.candidatesOver(
      checked,
      rules.map(({ id }) => id),
      lowest,
      this.scope,
    );
    const over: Computed[] = [];
    for (let start = 0; start < candidates.length; start += BATCH) {
      const members = await this.repository.membersOf(candidates.slice(start, start + BATCH), checked);
      over.push(...members.map((member) => personResidual(member, checked)).filter(overPersonCap));
    }
    const rest = afterId === null ? over : over.filter((person) => person.personId > afterId);
    const { edges, pageInfo } = OVER_CAP.page(rest, size, (person) => person.personId);
    this.audit?.record({ personIds: edges.map((edge) => edge.node.personId) });
    return { edges: edges.map(({ node, cursor }) => ({ node: present(node), cursor })), pageInfo, totalCount: over.length };
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
   * `Household.residual` counts it), is above the household cap: a keyset page in household id order. SQL narrows to
   * the households whose members' settled out-of-pocket under a rule set with 动态清零 exceeds the lowest household
   * cap; the engine computes each. Every member of the page's households is recorded in the audit entry.
   */
  async householdsOverCap(
    year: number,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<HouseholdResidualOverCapConnection> {
    const checked = requireYear(year);
    const { size, after: afterId } = HOUSEHOLDS_OVER_CAP.request(first, after);
    const rules = residualRuleSets();
    if (rules.length === 0) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    const lowest = rules.map(({ rule }) => new Money(rule.householdCap)).reduce((a, b) => minMoney(a, b));
    const candidates = await this.repository.householdCandidatesOver(
      checked,
      rules.map(({ id }) => id),
      lowest,
      this.scope,
    );
    const over: { householdId: string; computed: ComputedHousehold }[] = [];
    for (let start = 0; start < candidates.length; start += BATCH) {
      const batch = candidates.slice(start, start + BATCH);
      const members = await this.repository.membersOf(
        batch.flatMap((household) => household.memberIds),
        checked,
      );
      for (const household of batch) {
        const computed = householdResidual(
          members.filter((member) => household.memberIds.includes(member.personId)),
          checked,
        );
        if (overHouseholdCap(computed)) over.push({ householdId: household.householdId, computed });
      }
    }
    const rest = afterId === null ? over : over.filter((household) => household.householdId > afterId);
    const { edges, pageInfo } = HOUSEHOLDS_OVER_CAP.page(rest, size, (household) => household.householdId);
    this.audit?.record({ personIds: edges.flatMap((edge) => edge.node.computed.members.map((member) => member.personId)) });
    return {
      edges: edges.map(({ node, cursor }) => ({ node: presentHousehold(node.householdId, node.computed), cursor })),
      pageInfo,
      totalCount: over.length,
    };
  }
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
