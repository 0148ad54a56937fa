import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../status/atomic-file.js';

export const PID_FILE = 'clawsupd.pid';

/**
 * A plain pid file beside the lock, for tools that signal clawsupd (newsyslog's SIGHUP after rotating its log).
 * Written as a new file and renamed in, so a link planted at the name is replaced, never written through.
 */
export function writePidFile(statusDir: string): { remove(): void } {
  const path = join(statusDir, PID_FILE);
  writeFileAtomic(path, `${process.pid}\n`);
  return { remove: () => rmSync(path, { force: true }) };
}
