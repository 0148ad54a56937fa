import { statSync } from 'node:fs';
import type { DaemonContext, Detach } from './daemon-part.js';
import { reopenLogFile } from './logger.js';

// newsyslog (launchd) sends no signal (its pid file would be the user's to forge): clawsupd notices the move itself.
// A second: the lines written in between still land in the renamed file, which newsyslog keeps uncompressed.
const ROTATION_CHECK_INTERVAL_MS = 1_000;

/** The file a path names now, as device and inode; null when nothing is there. */
export type FileIdentity = { dev: number; ino: number } | null;

export interface LogRotationDeps {
  identify(path: string): FileIdentity;
  reopen(context: DaemonContext): void;
  intervalMs: number;
}

const DEFAULT_DEPS: LogRotationDeps = {
  identify: (path) => {
    try {
      const stats = statSync(path);
      return { dev: stats.dev, ino: stats.ino };
    } catch {
      return null;
    }
  },
  reopen: (context) => reopenLogFile(context.log),
  intervalMs: ROTATION_CHECK_INTERVAL_MS,
};

/** With `log.file`, reopens it whenever its path names another file or none (moved by newsyslog or logrotate). */
export const logRotationPart = {
  name: 'log-rotation',
  attach: (context: DaemonContext): Detach => attachLogRotation(context, DEFAULT_DEPS),
};

export function attachLogRotation(context: DaemonContext, deps: LogRotationDeps): Detach {
  const path = context.config.log.file;
  if (path === undefined) return { detach: () => undefined };
  const log = context.log.child({ component: 'log-rotation' });
  let lastSeen = deps.identify(path);
  // Said one tick after the reopen, which opens the new file asynchronously: the line belongs in the new file.
  let pendingNote: { logFile: string; found: string } | null = null;
  const check = (): void => {
    if (pendingNote !== null) log.info(pendingNote, 'log file moved away: reopened it');
    pendingNote = null;
    const now = deps.identify(path);
    if (isSameFile(now, lastSeen)) return;
    deps.reopen(context);
    // The reopen creates the file when it is gone: see what the path names once it has.
    lastSeen = deps.identify(path) ?? now;
    pendingNote = { logFile: path, found: now === null ? 'nothing' : 'another file' };
  };
  const timer = setInterval(check, deps.intervalMs);
  timer.unref();
  return { detach: () => clearInterval(timer) };
}

function isSameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a === null || b === null ? a === b : a.dev === b.dev && a.ino === b.ino;
}
