import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClawsupError } from '../errors.js';
import { isSameProcess, readProcessStartTime } from '../gateway/process-identity.js';

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

/** One clawsupd per status dir: an atomic hard link claims the lock; a lock whose holder is dead is taken over. */
export function acquireInstanceLock(statusDir: string): InstanceLock {
  ensureDir(statusDir);
  const lockPath = join(statusDir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, startTime: readProcessStartTime(process.pid), startedAt: new Date().toISOString() };
  const tempPath = `${lockPath}.${process.pid}.tmp`;
  writeFileSync(tempPath, JSON.stringify(record));
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

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_STATUS_DIR', `${dir}: cannot create the status dir: ${(error as Error).message}`, { cause: error });
  }
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
  const asidePath = `${lockPath}.stale.${process.pid}`;
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
  const tempPath = `${lockPath}.${process.pid}.tmp`;
  try {
    mkdirSync(statusDir, { recursive: true, mode: 0o755 });
    writeFileSync(tempPath, JSON.stringify(record));
    if (tryLink(tempPath, lockPath)) return 'reclaimed';
    takeOverStaleLock(lockPath);
    return tryLink(tempPath, lockPath) ? 'reclaimed' : 'taken';
  } catch {
    return 'unwritable';
  } finally {
    safeUnlink(tempPath);
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
