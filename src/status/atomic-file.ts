import { close, closeSync, constants, fchmod, fchmodSync, fchown, fchownSync, fsync, fsyncSync, mkdir, mkdirSync, open, openSync, rename, renameSync, unlink, unlinkSync, write, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomHex } from '../random-hex.js';

// A new file only, never through a link: a name planted in the folder fails the open instead of redirecting the write.
const CREATE_NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const TEMP_NAME_RANDOM_BYTES = 8;

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * fsync the file and its folder, so the record survives a power loss (skill records, install files). Off for the
   * daemon's own hot path (the gateway record after each spawn, diagnosis.json): those describe processes a power loss
   * ends anyway, and an fsync held the loop 8-16 ms on every restart. Off by default in both writers; the async one
   * fsyncs off the loop (the alert outbox, status.json's changes of state, not its routine timings).
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
  return join(dirname(path), `.${basename(path)}.${randomHex(TEMP_NAME_RANDOM_BYTES)}.tmp`);
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

/**
 * The same guarantees, with the fsyncs on libuv's thread pool so the daemon's loop never waits for the disk. Through
 * fs's callbacks rather than fs/promises' FileHandle (a routine status write every few seconds cost a fifth more
 * CPU that way), and the folder made only when the open finds it gone.
 */
export async function writeFileAtomicAsync(path: string, content: string, options: AtomicWriteOptions | number = {}): Promise<void> {
  const { mode = 0o644, groupId = null, isDurable = false } = typeof options === 'number' ? { mode: options } : options;
  const dir = dirname(path);
  const tempPath = makeTempPath(path);
  let fd: number;
  try {
    fd = await call<number>((done) => open(tempPath, CREATE_NEW_FILE, mode, done));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await call<string | undefined>((done) => mkdir(dir, { recursive: true }, done));
    fd = await call<number>((done) => open(tempPath, CREATE_NEW_FILE, mode, done));
  }
  try {
    if (groupId !== null) {
      await call((done) => fchown(fd, -1, groupId, done));
      await call((done) => fchmod(fd, mode, done));
    }
    await writeAll(fd, Buffer.from(content));
    if (isDurable) await call((done) => fsync(fd, done));
  } catch (error) {
    await call((done) => close(fd, done)).catch(() => undefined);
    await call((done) => unlink(tempPath, done)).catch(() => undefined);
    throw error;
  }
  await call((done) => close(fd, done));
  try {
    await call((done) => rename(tempPath, path, done));
  } catch (error) {
    await call((done) => unlink(tempPath, done)).catch(() => undefined);
    throw error;
  }
  if (isDurable) await fsyncDirAsync(dir);
}

async function writeAll(fd: number, buffer: Buffer): Promise<void> {
  for (let offset = 0; offset < buffer.length; ) {
    offset += await call<number>((done) => write(fd, buffer, offset, buffer.length - offset, null, done));
  }
}

async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const fd = await call<number>((done) => open(dir, 'r', done));
    try {
      await call((done) => fsync(fd, done));
    } finally {
      await call((done) => close(fd, done));
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}

/** One fs callback call as a promise (its first result, if any). */
function call<T = void>(start: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
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
