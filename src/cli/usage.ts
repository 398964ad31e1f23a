/** A mistake in the command line: exit 2, `error: <message>` and where to read the usage. */
export class UsageError extends Error {}

/** Options of one command: names that take a value, and flags that do not. */
export interface OptionSpec {
  values?: readonly string[];
  flags?: readonly string[];
}

/**
 * Reads `--name value`, `--name=value` and `--flag` (no positionals). Unlike
 * node:util's parseArgs it takes a value that starts with `-` as a value, so
 * that `--persons -5` is refused by the command's own check, in its words.
 */
export function parseOptions(args: readonly string[], spec: OptionSpec): { values: Record<string, string>; flags: Set<string> } {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (spec.flags?.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!spec.values?.includes(name)) throw new UsageError(`unknown option --${name}`);
    if (name in values) throw new UsageError(`--${name} is given twice`);
    if (eq !== -1) values[name] = arg.slice(eq + 1);
    else if (i + 1 < args.length) values[name] = args[++i]!;
    else throw new UsageError(`--${name} needs a value`);
  }
  return { values, flags };
}
