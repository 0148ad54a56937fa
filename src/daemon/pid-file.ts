import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'clawsupd.pid';

/** A plain pid file beside the lock, for tools that signal clawsupd (newsyslog's SIGHUP after rotating its log). */
export function writePidFile(statusDir: string): { remove(): void } {
  const path = join(statusDir, PID_FILE);
  writeFileSync(path, `${process.pid}\n`);
  return { remove: () => rmSync(path, { force: true }) };
}
