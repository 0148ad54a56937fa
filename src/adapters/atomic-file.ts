import { closeSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

let tempCounter = 0;

/**
 * Writes a file so that no reader ever sees half of it: temp file, then rename. No fsync: these files (status,
 * diagnosis, gateway record) describe processes that a power loss ends anyway, and clawsupd rewrites them at start,
 * while an fsync blocks the event loop for milliseconds on every state change.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  tempCounter += 1;
  const tempPath = join(dir, `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
  const fd = openSync(tempPath, 'w', mode);
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    safeUnlink(tempPath);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tempPath, path);
  } catch (error) {
    safeUnlink(tempPath);
    throw error;
  }
}

export function writeJsonAtomic(path: string, value: unknown, mode = 0o644): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
