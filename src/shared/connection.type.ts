import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo } from './page-info.type.js';

/**
 * The Relay connection of `node` (type-graphql's generic-types pattern): it
 * registers `<name>Edge` (`node`, `cursor`) and returns an abstract class with
 * `edges` and `pageInfo` for the concrete connection to extend, which names
 * the type and adds what its list counts:
 *
 *     @ObjectType()
 *     export class AlertConnection extends Connection(Alert) { … }
 *
 * `name` defaults to the node class's name (`Alert` → `AlertEdge`).
 */
export function Connection<T extends object>(node: ClassType<T>, options: ConnectionOptions = {}) {
  @ObjectType(`${options.name ?? node.name}Edge`, options.edgeDescription ? { description: options.edgeDescription } : {})
  class NodeEdge {
    @Field(() => node)
    node!: T;

    @Field(() => String)
    cursor!: string;
  }

  // No type of its own in the schema: nothing returns the base, only the subclasses that name it.
  @ObjectType()
  abstract class NodeConnection {
    /** The edge type, for a resolver of fields on it (`@Resolver(() => XConnection.Edge)`). */
    static readonly Edge = NodeEdge;

    @Field(() => [NodeEdge])
    edges!: NodeEdge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return NodeConnection;
}

/** How a connection names its edge type and describes it. */
export interface ConnectionOptions {
  /** The prefix of `<name>Edge`; the node class's name when not given. */
  name?: string;
  edgeDescription?: string;
}

/** {@link Connection} with `totalCount`: all the rows of the list, not just this page. */
export function CountedConnection<T extends object>(
  node: ClassType<T>,
  options: ConnectionOptions & { totalCountDescription?: string } = {},
) {
  @ObjectType()
  abstract class CountedNodeConnection extends Connection(node, options) {
    @Field(() => Int, options.totalCountDescription ? { description: options.totalCountDescription } : {})
    totalCount!: number;
  }
  return CountedNodeConnection;
}
