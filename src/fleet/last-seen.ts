import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../status/atomic-file.js';

/** When each node last answered, on the operator's machine: `{ "mini-1": "2026-12-01T06:00:00.000Z" }`. */
export type LastSeen = Record<string, string>;

export function defaultLastSeenPath(env: NodeJS.ProcessEnv = process.env, homeDir: string = homedir()): string {
  const cacheHome = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homeDir, '.cache');
  return join(cacheHome, 'clawsup', 'fleet-last-seen.json');
}

/** The cache, or an empty one when it is missing or damaged: it only ever adds "last answered 5m ago". */
export function readLastSeen(path: string): LastSeen {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !Number.isNaN(Date.parse(entry[1]))));
  } catch {
    return {};
  }
}

/** Written whole or not at all (temp file and rename); a cache that cannot be written costs only that line. */
export function writeLastSeen(path: string, lastSeen: LastSeen): string | null {
  try {
    writeFileAtomic(path, `${JSON.stringify(lastSeen, null, 2)}\n`, { mode: 0o600 });
    return null;
  } catch (error) {
    return `${path}: cannot write the last-seen cache: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}
