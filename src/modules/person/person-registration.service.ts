import type { Prisma } from '../../generated/prisma/client.js';
import type { Principal } from '../../auth/principal.js';
import { isUniqueViolation } from '../../server/prisma.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors.js';
import { requireUuid } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { PersonInput, PersonUpdateInput } from './person-registration.input.js';
import type { PersonRepository } from './person.repository.js';
import { checkPerson, checkPhone, checkRegion, type PersonProblem } from './person.rules.js';
import type { Person } from './person.type.js';

const problem = (p: PersonProblem) => new BadUserInputError(`input.${p.field} ${p.reason}`, `input.${p.field}`);

/**
 * Registration by medical insurance (access-policy.md §4): new persons and
 * households, changes of contact and residence, moves between households —
 * within the writer's jurisdiction, each change kept as history and audited in
 * its transaction.
 */
export class PersonRegistrationService {
  constructor(
    private readonly repository: PersonRepository,
    private readonly scope: Prisma.PersonWhereInput,
    private readonly audit: AuditWriter,
    private readonly principal: Principal,
  ) {}

  /**
   * Registers a person. A duplicate ID number is a CONFLICT that names nothing
   * of the person: the ID must agree with a region of the writer's own
   * jurisdiction, whose persons it already sees.
   */
  async register(input: PersonInput): Promise<Person> {
    const checked = checkPerson(input, this.principal.jurisdiction);
    if ('reason' in checked) throw problem(checked);
    if (checked.householdId && !(await this.repository.householdInJurisdiction(checked.householdId, this.principal.jurisdiction))) {
      throw new NotFoundError('no household with this id', 'input.householdId');
    }
    try {
      return await this.audit.transaction(async (tx) => {
        const householdId = checked.householdId ?? (await this.repository.createHousehold(tx, checked.regionCode)).id;
        const { householdId: _ignored, ...person } = checked;
        const created = await this.repository.create(tx, { ...person, householdId });
        this.audit.record({ personIds: [created.id] });
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError('a person with this ID number is already registered', { argument: 'input.idNumber' });
      throw error;
    }
  }

  /** Changes phone, residence or region; each changed field is kept as history. */
  async update(id: string, input: PersonUpdateInput): Promise<Person> {
    const person = await this.inScope(id);
    if (input.phone != null) {
      const p = checkPhone(input.phone);
      if (p) throw problem(p);
    }
    if (input.regionCode != null) {
      const p = checkRegion(input.regionCode, this.principal.jurisdiction);
      if (p) throw problem(p);
    }
    const wanted = {
      phone: input.phone ?? person.phone,
      residence: input.residence ?? person.residence,
      regionCode: input.regionCode ?? person.regionCode,
    };
    const changes = (['phone', 'residence', 'regionCode'] as const)
      .filter((field) => wanted[field] !== person[field])
      .map((field) => ({ field, before: person[field], after: wanted[field] }));
    this.audit.record({ personIds: [person.id] });
    if (changes.length === 0) return person;
    return this.audit.transaction((tx) => this.repository.update(tx, person.id, wanted, changes, this.principal.clientId));
  }

  /** Moves a person into another household of the writer's jurisdiction, or into a new one of their region. */
  async move(id: string, householdId: string | null): Promise<Person> {
    const person = await this.inScope(id);
    const target = householdId == null ? null : requireUuid(householdId, 'householdId');
    if (target && !(await this.repository.householdInJurisdiction(target, this.principal.jurisdiction))) {
      throw new NotFoundError('no household with this id', 'householdId');
    }
    this.audit.record({ personIds: [person.id] });
    if (target !== null && target === person.householdId) return person;
    return this.audit.transaction(async (tx) => {
      const to = target ?? (await this.repository.createHousehold(tx, person.regionCode)).id;
      return this.repository.update(
        tx,
        person.id,
        { householdId: to },
        [{ field: 'householdId', before: person.householdId, after: to }],
        this.principal.clientId,
      );
    });
  }

  private async inScope(id: string) {
    const [person] = await this.repository.findByIds([requireUuid(id, 'id')], this.scope);
    if (!person) throw new NotFoundError('no person with this id', 'id');
    return person;
  }
}
