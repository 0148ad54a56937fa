import { lstatSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { PathNode } from './path-trust.js';

/**
 * Each real component from `/` to `path`, as lstat sees it. A path that does not exist yet ends at its nearest existing
 * folder: whoever can write there can create it. Symlinks are resolved first, so the chain is what the kernel walks.
 */
export function readPathChain(path: string): PathNode[] {
  let existing = posix.resolve(path);
  for (;;) {
    try {
      existing = realpathSync(existing);
      break;
    } catch {
      const parent = posix.dirname(existing);
      if (parent === existing) return [];
      existing = parent;
    }
  }
  const chain: PathNode[] = [];
  let current = '/';
  for (const part of ['', ...existing.split('/').filter(Boolean)]) {
    current = part === '' ? '/' : posix.join(current, part);
    try {
      const stats = lstatSync(current);
      chain.push({ path: current, uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o7777, isDirectory: stats.isDirectory() });
    } catch {
      break;
    }
  }
  return chain;
}
