import { CURSOR_PERSON } from '../../auth/schema-views.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { CursorList } from '../../shared/pagination.js';
import { BadUserInputError } from '../../shared/errors.js';
import { today } from '../../shared/dates.js';
import { requireIdNumber, requireRegionPrefix, requireUuid } from '../../shared/validate.js';
import type { IdLookupQuota } from '../../auth/lookup-quota.js';
import type { Loaders } from '../../server/context.js';
import type { PersonConnection } from './person.connection.js';
import type { PersonFilter } from './person.input.js';
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
  ) {}

  /** One person by id or by ID number (exactly one of them); null when unknown. */
  async lookup(id: string | null | undefined, idNumber: string | null | undefined): Promise<Person | null> {
    if ((id == null) === (idNumber == null)) {
      throw new BadUserInputError('give exactly one of id and idNumber', id == null ? 'id' : 'idNumber');
    }
    if (id != null) return this.loaders.personById.load(requireUuid(id, 'id'));
    const number = requireIdNumber(idNumber!, 'idNumber');
    await this.missedLookups?.check();
    const person = await this.repository.findByIdNumber(number, this.scope);
    if (person) this.loaders.personById.prime(person.id, person);
    else await this.missedLookups?.missed('Query.person');
    return person;
  }

  /** A keyset page of persons matching `filter`. */
  async list(
    filter: PersonFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<PersonConnection> {
    const request = PERSONS.request(first, after);
    const regionPrefix = filter?.regionPrefix == null ? null : requireRegionPrefix(filter.regionPrefix, 'filter.regionPrefix');
    const activeOn = filter?.activeOn ?? (filter?.category ? today() : null);
    const { rows, totalCount } = await this.repository.page(
      { regionPrefix, category: filter?.category, activeOn },
      request.size,
      request.after,
      this.scope,
    );
    const { edges, pageInfo } = PERSONS.page(rows, request.size, (person) => person.id);
    for (const { node } of edges) this.loaders.personById.prime(node.id, node);
    // The endCursor encodes the last person's id: reading it names that person in the audit entry.
    Object.defineProperty(pageInfo, CURSOR_PERSON, { value: edges.at(-1)?.node.id, enumerable: false });
    return { edges, pageInfo, totalCount };
  }
}
