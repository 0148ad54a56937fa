/** Deepest nesting a config may have: the schema needs 5 levels; far deeper text is a mistake or an attack on the stack. */
export const MAX_CONFIG_DEPTH = 32;

/** The path to the first list or object nested deeper than `maxDepth`, found without recursion; undefined if none. */
export function findPathDeeperThan(root: unknown, maxDepth: number): (string | number)[] | undefined {
  const pending: Array<{ value: unknown; path: (string | number)[] }> = [{ value: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= maxDepth) return path;
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries.reverse()) pending.push({ value: child, path: [...path, key] });
  }
  return undefined;
}
