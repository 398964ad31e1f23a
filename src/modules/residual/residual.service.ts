import { formatMoney } from '../../shared/money.js';
import { householdResidual, personResidual, type PersonResidual as Computed } from '../policy/residual.engine.js';
import type { ExplanationStep } from '../policy/policy.types.js';
import type { ResidualRepository } from './residual.repository.js';
import type { HouseholdResidual, PersonResidual } from './residual.type.js';

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
  constructor(private readonly repository: ResidualRepository) {}

  /** The residual of a person the caller may already see. */
  async forPerson(personId: string, year: number): Promise<PersonResidual> {
    const [member] = await this.repository.membersOf([personId], year);
    return present(personResidual(member!, year));
  }

  /** The residual of a household over the members the caller may see. */
  async forHousehold(memberIds: readonly string[], year: number): Promise<HouseholdResidual> {
    const computed = householdResidual(await this.repository.membersOf(memberIds, year), year);
    return {
      year,
      members: computed.members.map(present),
      residual: formatMoney(computed.residual),
      cap: computed.cap === null ? null : formatMoney(computed.cap),
      excess: formatMoney(computed.excess),
      fundCovers: formatMoney(computed.fundCovers),
      explanation: computed.cap === null ? [NOT_APPLICABLE] : [...computed.explanation],
    };
  }
}
