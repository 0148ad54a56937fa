import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

let tempCounter = 0;

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * fsync the file and its folder, so the record survives a power loss (skill records, install files). Off for the
   * daemon's own hot path (the gateway record after each spawn, diagnosis.json): those describe processes a power loss
   * ends anyway, and an fsync held the loop 8-16 ms on every restart. writeFileAtomicAsync always fsyncs, off the loop.
   */
  isDurable?: boolean;
}

/** Writes a file so that no reader ever sees half of it: temp file, then rename. */
export function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions | number = {}): void {
  const { mode = 0o644, isDurable = false } = typeof options === 'number' ? { mode: options } : options;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  tempCounter += 1;
  const tempPath = join(dir, `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
  const fd = openSync(tempPath, 'w', mode);
  try {
    writeSync(fd, content);
    if (isDurable) fsyncSync(fd);
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
  if (isDurable) fsyncDirSync(dir);
}

function fsyncDirSync(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
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

export function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
