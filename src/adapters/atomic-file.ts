import { closeSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

let tempCounter = 0;

/**
 * Writes a file so that no reader ever sees half of it: temp file, then rename. No fsync here: this blocking form
 * writes the gateway record right after each spawn and diagnosis.json, which describe processes a power loss ends
 * anyway, and an fsync held the loop 8-16 ms on every restart. writeFileAtomicAsync keeps the fsyncs, off the loop.
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

/** The same guarantees, with the fsyncs on libuv's thread pool so the daemon's loop never waits for the disk. */
export async function writeFileAtomicAsync(path: string, content: string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  tempCounter += 1;
  const tempPath = join(dir, `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
  const file = await open(tempPath, 'w', mode);
  try {
    await file.writeFile(content);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await rename(tempPath, path);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await fsyncDirAsync(dir);
}

async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
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
