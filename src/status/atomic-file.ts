import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

// A new file only, never through a link: a name planted in the folder fails the open instead of redirecting the write.
const CREATE_NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const TEMP_NAME_RANDOM_BYTES = 8;

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * fsync the file and its folder, so the record survives a power loss (skill records, install files). Off for the
   * daemon's own hot path (the gateway record after each spawn, diagnosis.json): those describe processes a power loss
   * ends anyway, and an fsync held the loop 8-16 ms on every restart. writeFileAtomicAsync always fsyncs, off the loop.
   */
  isDurable?: boolean;
  /** Give the file to this group (and exactly `mode`, whatever the umask), so its members may read it. */
  groupId?: number | null;
}

/**
 * Writes a file so that no reader ever sees half of it: a temp file with a random name, created new and never through
 * a link, then renamed over the target (rename replaces a link at the target; it never writes through it).
 */
export function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions | number = {}): void {
  const { mode = 0o644, isDurable = false, groupId = null } = typeof options === 'number' ? { mode: options } : options;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tempPath = makeTempPath(path);
  const fd = openSync(tempPath, CREATE_NEW_FILE, mode);
  try {
    if (groupId !== null) {
      fchownSync(fd, -1, groupId);
      fchmodSync(fd, mode);
    }
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

function makeTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(TEMP_NAME_RANDOM_BYTES).toString('hex')}.tmp`);
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
export async function writeFileAtomicAsync(path: string, content: string, options: Omit<AtomicWriteOptions, 'isDurable'> | number = {}): Promise<void> {
  const { mode = 0o644, groupId = null } = typeof options === 'number' ? { mode: options } : options;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tempPath = makeTempPath(path);
  const file: FileHandle = await open(tempPath, CREATE_NEW_FILE, mode);
  try {
    if (groupId !== null) {
      await file.chown(-1, groupId);
      await file.chmod(mode);
    }
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
