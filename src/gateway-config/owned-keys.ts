/**
 * Keys of the gateway's config that clawsup itself writes (the cron leader's `cron.enabled`): they never count as
 * drift and an apply never overwrites them. Pure.
 */
export type OwnedKeyPath = readonly string[];

export const CRON_ENABLED_PATH: OwnedKeyPath = ['cron', 'enabled'];
export const CRON_SKIP_MISSED_PATH: OwnedKeyPath = ['cron', 'skipMissedJobs'];

/** The keys clawsup owns under its config: `cron.enabled` while the cron leader runs, and `cron.skipMissedJobs` when it writes that too. */
export function listOwnedKeys(isCronLeaderOn: boolean, isSkipMissedOwned = false): OwnedKeyPath[] {
  if (!isCronLeaderOn) return [];
  return isSkipMissedOwned ? [CRON_ENABLED_PATH, CRON_SKIP_MISSED_PATH] : [CRON_ENABLED_PATH];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readPath(value: unknown, path: OwnedKeyPath): { isPresent: boolean; value: unknown } {
  let current = value;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return { isPresent: false, value: undefined };
    current = current[key];
  }
  return { isPresent: true, value: current };
}

/** A copy with `path` set to `found.value`, or removed when not present; objects on the way are copied, never mutated. */
function writePath(value: unknown, path: OwnedKeyPath, found: { isPresent: boolean; value: unknown }): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return found.value;
  const object = isPlainObject(value) ? value : {};
  if (rest.length === 0) {
    const { [key]: _dropped, ...others } = object;
    return found.isPresent ? { ...others, [key]: found.value } : others;
  }
  if (!found.isPresent && !isPlainObject(object[key])) return value;
  const child = writePath(object[key], rest, found);
  // An object left empty by removing the owned key is dropped too, so `{cron:{enabled:false}}` and `{}` compare equal.
  if (!found.isPresent && isPlainObject(child) && Object.keys(child).length === 0) {
    const { [key]: _dropped, ...others } = object;
    return others;
  }
  return { ...object, [key]: child };
}

/** The config without the owned keys: what drift and the apply's diff compare. */
export function stripOwnedKeys(value: unknown, owned: readonly OwnedKeyPath[]): unknown {
  return owned.reduce((current, path) => writePath(current, path, { isPresent: false, value: undefined }), value);
}

/** The candidate with each owned key as the live config has it (or absent as there): an apply never moves them. */
export function carryOwnedKeys(candidate: unknown, live: unknown, owned: readonly OwnedKeyPath[]): unknown {
  return owned.reduce((current, path) => writePath(current, path, readPath(live, path)), candidate);
}

/** JSON with object keys sorted at every level: two configs that mean the same print the same, whatever the layout. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Paths (dotted) that differ between two configs: added, removed or changed leaves, first `limit` of them. */
export function diffKeyPaths(before: unknown, after: unknown, limit = 50): Array<{ path: string; change: 'added' | 'removed' | 'changed' }> {
  const changes: Array<{ path: string; change: 'added' | 'removed' | 'changed' }> = [];
  const walk = (a: unknown, b: unknown, prefix: string): void => {
    if (changes.length >= limit) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        if (!Object.hasOwn(b, key)) changes.push({ path, change: 'removed' });
        else if (!Object.hasOwn(a, key)) changes.push({ path, change: 'added' });
        else walk(a[key], b[key], path);
        if (changes.length >= limit) return;
      }
      return;
    }
    if (canonicalJson(a) !== canonicalJson(b)) changes.push({ path: prefix === '' ? '<root>' : prefix, change: 'changed' });
  };
  walk(before, after, '');
  return changes;
}

/** Where the config pulls in other files: such configs are refused (the included files would escape backup and rollback). */
export function findIncludes(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => findIncludes(item, `${prefix}[${index}]`));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return key === '$include' ? [path] : findIncludes(child, path);
  });
}
