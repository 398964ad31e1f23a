import type { GraphQLResolveInfo } from 'graphql';

/**
 * Where a planned read (person.plan.ts) leaves what it has already read for
 * an object's fields: by response key (the field's alias, else its name), so
 * that a field resolver returns it instead of asking a loader. Hidden
 * (a symbol key), so nothing serialises it.
 */
export const PLANNED = Symbol('planned fields');

/** What a planned read attached to `source` for the field being resolved; undefined when it did not plan that field. */
export function plannedValue<T>(source: unknown, info: GraphQLResolveInfo): T | undefined {
  const planned = (source as { [PLANNED]?: Record<string, unknown> } | null)?.[PLANNED];
  if (!planned) return undefined;
  const key = info.path.key as string;
  return Object.hasOwn(planned, key) ? (planned[key] as T) : undefined;
}

/**
 * Attaches `planned` (response key → value) to `target`. Enumerable, so that
 * it survives type-graphql's copy of a returned object into an instance of
 * its class (Object.assign copies enumerable symbol keys); JSON and
 * graphql-js never read symbol keys.
 */
export function attachPlanned<T extends object>(target: T, planned: Record<string, unknown>): T {
  (target as Record<symbol, unknown>)[PLANNED] = planned;
  return target;
}

/**
 * The text and parameters of one SQL statement being built. A parameter is a
 * getter of the environment (`E`: the principal, the variables), so that a
 * compiled statement is reused for every request of the same shape and only
 * its values are read again.
 */
export class SqlText<E> {
  readonly getters: ((env: E) => unknown)[] = [];

  /** A placeholder `$n::cast` for the value `get(env)`. */
  param(get: (env: E) => unknown, cast: string): string {
    this.getters.push(get);
    return `$${this.getters.length}::${cast}`;
  }

  /** The values of the parameters, in order, for `env`. */
  values(env: E): unknown[] {
    return this.getters.map((get) => get(env));
  }
}

/** The LIKE pattern of the strings that start with `prefix`. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What runs a planned statement: a `pg` pool (the one Prisma's adapter uses). */
export interface PlanPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const pools = new WeakMap<object, PlanPool>();

/** Registers the pool under the Prisma client built on it (createDb), so that repositories can prepare planned statements. */
export function registerPlanPool(db: object, pool: PlanPool): void {
  pools.set(db, pool);
}

/** The pool registered under `db`, if any. */
export function planPoolOf(db: object): PlanPool | undefined {
  return pools.get(db);
}
