import { closeSync, constants, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ClawsupError } from '../errors.js';
import { randomHex } from '../random-hex.js';
import { isSameProcess, readProcessStartTime } from '../gateway/process-identity.js';
import { assertSafeFolder, checkFolder } from '../status/safe-folder.js';

interface LockRecord {
  pid: number;
  startTime: string | null;
  startedAt: string;
}

export type LockState = 'held' | 'reclaimed' | 'taken' | 'unwritable';

export interface InstanceLock {
  path: string;
  /** Writes the lock again if someone removed it (the status dir deleted under us). */
  reclaim(): LockState;
  release(): void;
}

const LOCK_FILE = 'clawsupd.lock';
// A new file only, never through a link planted at the name.
const CREATE_NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const STATUS_DIR_RISK = 'plant the records clawsupd trusts (the gateway pid it stops, the files it writes)';

/** One clawsupd per status dir: an atomic hard link claims the lock; a lock whose holder is dead is taken over. */
export function acquireInstanceLock(statusDir: string): InstanceLock {
  ensureDir(statusDir);
  const lockPath = join(statusDir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, startTime: readProcessStartTime(process.pid), startedAt: new Date().toISOString() };
  const tempPath = writeTempLock(lockPath, record);
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (tryLink(tempPath, lockPath)) return { path: lockPath, reclaim: () => reclaimLock(statusDir, lockPath, record), release: () => releaseLock(lockPath) };
      const holder = readLock(lockPath);
      if (holder && holder.pid !== process.pid && isSameProcess(holder.pid, holder.startTime)) {
        throw new ClawsupError(
          'CLAWSUP_ERR_ALREADY_RUNNING',
          `another clawsupd (pid ${holder.pid}, started ${holder.startedAt}) already supervises ${statusDir}: one gateway per node; stop that clawsupd first, or give this one another status.dir`,
        );
      }
      takeOverStaleLock(lockPath);
    }
    throw new ClawsupError('CLAWSUP_ERR_ALREADY_RUNNING', `${lockPath}: could not claim the lock: another clawsupd keeps starting at the same time`);
  } finally {
    safeUnlink(tempPath);
  }
}

/** Creates the status dir, and refuses one that anyone, or another user, could plant records in. */
function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_STATUS_DIR', `${dir}: cannot create the status dir: ${(error as Error).message}`, { cause: error });
  }
  assertSafeFolder(dir, 'status.dir', STATUS_DIR_RISK, 'CLAWSUP_ERR_STATUS_DIR');
}

/** The lock's content in a file of its own, under a name nobody can guess, to be hard-linked into place. */
function writeTempLock(lockPath: string, record: LockRecord): string {
  const tempPath = `${lockPath}.${randomHex(8)}.tmp`;
  let fd: number;
  try {
    fd = openSync(tempPath, CREATE_NEW_FILE, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ClawsupError('CLAWSUP_ERR_STATUS_DIR', `${lockPath}: cannot create the lock file: ${code}`, { cause: error });
  }
  try {
    writeSync(fd, JSON.stringify(record));
  } catch (error) {
    closeSync(fd);
    safeUnlink(tempPath);
    throw new ClawsupError('CLAWSUP_ERR_STATUS_DIR', `${lockPath}: cannot write the lock file: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
  closeSync(fd);
  return tempPath;
}

function tryLink(tempPath: string, lockPath: string): boolean {
  try {
    linkSync(tempPath, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new ClawsupError('CLAWSUP_ERR_STATUS_DIR', `${lockPath}: cannot create the lock file: ${code}`, { cause: error });
  }
}

function readLock(lockPath: string): LockRecord | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockRecord>;
    if (typeof parsed.pid !== 'number') return null;
    return { pid: parsed.pid, startTime: parsed.startTime ?? null, startedAt: parsed.startedAt ?? 'unknown' };
  } catch {
    return null;
  }
}

/** Moves a dead holder's lock aside; when two newcomers race, only one rename finds the file. */
function takeOverStaleLock(lockPath: string): void {
  const asidePath = `${lockPath}.stale.${randomHex(8)}`;
  try {
    renameSync(lockPath, asidePath);
  } catch {
    return;
  }
  const movedAside = readLock(asidePath);
  if (movedAside && movedAside.pid !== process.pid && isSameProcess(movedAside.pid, movedAside.startTime)) {
    // A live newcomer claimed it between our read and our rename: give it back.
    try {
      linkSync(asidePath, lockPath);
    } catch {
      // It claimed again meanwhile; the next attempt will see it.
    }
  }
  safeUnlink(asidePath);
}

function reclaimLock(statusDir: string, lockPath: string, record: LockRecord): LockState {
  const holder = readLock(lockPath);
  if (holder?.pid === process.pid) return 'held';
  if (holder && isSameProcess(holder.pid, holder.startTime)) return 'taken';
  let tempPath: string | null = null;
  try {
    mkdirSync(statusDir, { recursive: true, mode: 0o755 });
    // Someone else may have made the folder again meanwhile: never write into theirs.
    if (!checkFolder(statusDir).ok) return 'unwritable';
    tempPath = writeTempLock(lockPath, record);
    if (tryLink(tempPath, lockPath)) return 'reclaimed';
    takeOverStaleLock(lockPath);
    return tryLink(tempPath, lockPath) ? 'reclaimed' : 'taken';
  } catch {
    return 'unwritable';
  } finally {
    if (tempPath !== null) safeUnlink(tempPath);
  }
}

function releaseLock(lockPath: string): void {
  const holder = readLock(lockPath);
  if (holder?.pid === process.pid) safeUnlink(lockPath);
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
