import { lstatSync, statSync } from 'node:fs';
import { ClawsupError, type ErrorCode } from '../errors.js';

const WORLD_WRITABLE = 0o002;
const STICKY = 0o1000;

export type FolderProblem = 'missing' | 'not-a-folder' | 'world-writable' | 'foreign-owner';

/** A folder as found: its owner, or why nobody but its owner (or root) should write records into it. */
export type FolderCheck = { ok: true; uid: number; gid: number } | { ok: false; problem: FolderProblem; uid: number | null; gid: number | null; detail: string };

/**
 * Looks at a folder the way the control socket's folder is looked at: it must be a folder, not writable by anyone
 * without the sticky bit, and owned by `ownUid` or root (a symlink to it as well), since its owner can plant or swap
 * anything inside it.
 */
export function checkFolder(dir: string, ownUid: number = currentUid()): FolderCheck {
  let link;
  let stat;
  try {
    link = lstatSync(dir);
    stat = link.isSymbolicLink() ? statSync(dir) : link;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    return { ok: false, problem: 'missing', uid: null, gid: null, detail: code };
  }
  const isTrusted = (uid: number): boolean => uid === ownUid || uid === 0;
  if (link.isSymbolicLink() && !isTrusted(link.uid)) {
    return { ok: false, problem: 'foreign-owner', uid: link.uid, gid: link.gid, detail: `a symlink owned by uid ${link.uid}` };
  }
  if (!stat.isDirectory()) return { ok: false, problem: 'not-a-folder', uid: stat.uid, gid: stat.gid, detail: 'not a folder' };
  if ((stat.mode & WORLD_WRITABLE) !== 0 && (stat.mode & STICKY) === 0) {
    return { ok: false, problem: 'world-writable', uid: stat.uid, gid: stat.gid, detail: 'world-writable without the sticky bit' };
  }
  if (!isTrusted(stat.uid)) return { ok: false, problem: 'foreign-owner', uid: stat.uid, gid: stat.gid, detail: `owned by uid ${stat.uid}` };
  return { ok: true, uid: stat.uid, gid: stat.gid };
}

/** Throws `code` naming the folder and what its owner or anyone could do there (`what`: "replace the control socket"). */
export function assertSafeFolder(dir: string, label: string, what: string, code: ErrorCode, ownUid: number = currentUid()): void {
  const check = checkFolder(dir, ownUid);
  if (check.ok) return;
  throw new ClawsupError(code, describeFolderProblem(dir, label, what, check, ownUid));
}

export function describeFolderProblem(dir: string, label: string, what: string, check: Extract<FolderCheck, { ok: false }>, ownUid: number = currentUid()): string {
  switch (check.problem) {
    case 'missing':
      return `${dir}: ${label} cannot be read: ${check.detail}`;
    case 'not-a-folder':
      return `${dir}: ${label} is not a folder`;
    case 'world-writable':
      return `${dir}: ${label} is world-writable without the sticky bit, so anyone could ${what}; use another folder`;
    case 'foreign-owner':
      return `${dir}: ${label} is ${check.detail}, not by this user (uid ${ownUid}) or root; its owner could ${what}`;
  }
}

export function currentUid(): number {
  return process.getuid?.() ?? 0;
}
