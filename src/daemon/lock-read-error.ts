import { closeSync, openSync } from 'node:fs';

/**
 * Why the lock file cannot be opened now (EMFILE, ENFILE, EIO), or null when it can or is simply gone. The lock's own
 * reclaim() takes an unreadable lock for a removed one: out of descriptors, that is a false alarm.
 */
export function findLockReadError(lockPath: string): string | null {
  try {
    closeSync(openSync(lockPath, 'r'));
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return code === 'ENOENT' ? null : code;
  }
}
