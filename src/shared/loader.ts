import DataLoader from 'dataloader';

/**
 * Prisma caches a query plan per query shape, and an `IN` list of a new
 * length is a new shape (toolchain.md). Padding the key list to a power of two
 * by repeating its last key keeps the number of shapes logarithmic.
 */
export function padKeys<K>(keys: readonly K[]): K[] {
  const padded = [...keys];
  let size = 1;
  while (size < padded.length) size *= 2;
  while (padded.length < size) padded.push(keys[keys.length - 1]!);
  return padded;
}

/** Orders `rows` as `keys` asks, one row (or null) per key. */
export function oneByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

/** Groups `rows` by key in the order of `keys`, an empty list for a key with none. */
export function manyByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key)!);
}

/**
 * A family of loaders, one per distinct argument value (a field's arguments
 * such as `year`), all batching by key: a nested field with arguments still
 * costs one statement per distinct argument, not one per parent.
 */
export function loaderFamily<A, K, V>(make: (arg: A) => DataLoader<K, V>): (arg: A) => DataLoader<K, V> {
  const loaders = new Map<string, DataLoader<K, V>>();
  return (arg) => {
    const id = JSON.stringify(arg ?? null);
    let loader = loaders.get(id);
    if (!loader) {
      loader = make(arg);
      loaders.set(id, loader);
    }
    return loader;
  };
}
