import type { GraphQLResolveInfo } from 'graphql';
import { CURSOR_PERSON } from '../../auth/schema-views.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { CursorList } from '../../shared/pagination.js';
import { BadUserInputError } from '../../shared/errors.js';
import { requireIdNumber, requireUuid } from '../../shared/validate.js';
import type { IdLookupQuota } from '../../auth/lookup-quota.js';
import type { Loaders } from '../../server/context.js';
import type { PersonConnection } from './person.connection.js';
import type { PersonFilter } from './person.input.js';
import { personsRequest, type PersonPlanner } from './person.plan.js';
import type { PersonRepository } from './person.repository.js';
import type { Person } from './person.type.js';

const PERSONS = new CursorList('person');

/** Looks persons up and lists them, validating what clients send. */
export class PersonService {
  constructor(
    private readonly repository: PersonRepository,
    private readonly loaders: Loaders,
    private readonly scope: Prisma.PersonWhereInput,
    /** Lookups by ID number that find nothing, counted against the client's daily quota; none: not counted. */
    private readonly missedLookups: IdLookupQuota | null = null,
    /** Reads a page and what its selection asks below it in one statement; none: loaders only. */
    private readonly planner: PersonPlanner | null = null,
  ) {}

  /** One person by id or by ID number (exactly one of them); null when unknown. */
  async lookup(id: string | null | undefined, idNumber: string | null | undefined): Promise<Person | null> {
    if ((id == null) === (idNumber == null)) {
      throw new BadUserInputError('give exactly one of id and idNumber', id == null ? 'id' : 'idNumber');
    }
    if (id != null) return this.loaders.personById.load(requireUuid(id, 'id'));
    const number = requireIdNumber(idNumber!, 'idNumber');
    await this.missedLookups?.check(number);
    const person = await this.repository.findByIdNumber(number, this.scope);
    if (person) this.loaders.personById.prime(person.id, person);
    else await this.missedLookups?.missed('Query.person', number);
    return person;
  }

  /**
   * A keyset page of persons matching `filter`. With the field's `info`, the
   * planner reads the page and the relations its selection asks for in one
   * statement (the field resolvers then find them attached); when it does not
   * plan the selection, the page is read alone and the loaders read the rest.
   */
  async list(
    filter: PersonFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    info?: GraphQLResolveInfo,
  ): Promise<PersonConnection> {
    const request = personsRequest(filter, first, after);
    const planned = info && this.planner ? await this.planner.page(info, request) : null;
    const { rows, totalCount } = planned
      ? { rows: planned.persons, totalCount: planned.totalCount }
      : await this.repository.page(request.criteria, request.page.size, request.page.after, this.scope);
    const { edges, pageInfo } = PERSONS.page(rows, request.page.size, (person) => person.id);
    for (const { node } of edges) this.loaders.personById.prime(node.id, node);
    // The endCursor encodes the last person's id: reading it names that person in the audit entry.
    Object.defineProperty(pageInfo, CURSOR_PERSON, { value: edges.at(-1)?.node.id, enumerable: false });
    return { edges, pageInfo, totalCount };
  }
}
