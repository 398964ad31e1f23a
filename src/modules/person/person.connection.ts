import { ObjectType } from 'type-graphql';
import { CountedConnection } from '../../shared/connection.type.js';
import { Person } from './person.type.js';

/** A page of persons in id order. */
@ObjectType()
export class PersonConnection extends CountedConnection(Person, {
  totalCountDescription: 'All persons matching the filter, not just this page.',
}) {}
