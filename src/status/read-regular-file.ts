import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';

/** `ownerUid` and `mode` are the opened file's own, for callers that trust a file only when it is theirs. */
export type RegularFileRead = { ok: true; text: string; mtime: Date; ownerUid: number; mode: number } | { ok: false; problem: string };

const CHUNK_BYTES = 64 * 1024;

/**
 * A small regular file's text, or what it is instead: a FIFO would block the open, /dev/zero would never end and a
 * huge file would fill memory. A symlink is refused as well: clawsupd writes these files by rename, never as links.
 */
export function readRegularFile(path: string, maxBytes: number): RegularFileRead {
  let fd: number;
  try {
    const found = checkStats(lstatSync(path), maxBytes);
    if (found !== null) return { ok: false, problem: found };
    // Swapped in since the lstat? O_NOFOLLOW refuses a link and O_NONBLOCK opens a FIFO at once (only root makes devices).
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, problem: describeOpenError(error) };
  }
  try {
    const stats = fstatSync(fd);
    const found = checkStats(stats, maxBytes);
    if (found !== null) return { ok: false, problem: found };
    const chunks: Buffer[] = [];
    let total = 0;
    // Read to the end, but never past the cap: the file may grow while it is read.
    for (;;) {
      const chunk = Buffer.alloc(CHUNK_BYTES);
      const bytes = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (bytes === 0) break;
      chunks.push(chunk.subarray(0, bytes));
      total += bytes;
      if (total > maxBytes) return { ok: false, problem: tooBig(total, maxBytes) };
    }
    return { ok: true, text: Buffer.concat(chunks).toString('utf8'), mtime: stats.mtime, ownerUid: stats.uid, mode: stats.mode };
  } catch (error) {
    return { ok: false, problem: describeOpenError(error) };
  } finally {
    closeSync(fd);
  }
}

function checkStats(stats: Stats, maxBytes: number): string | null {
  if (!stats.isFile()) return `${describeKind(stats)}, not a regular file`;
  return stats.size > maxBytes ? tooBig(stats.size, maxBytes) : null;
}

function tooBig(bytes: number, maxBytes: number): string {
  return `${bytes} bytes, over the cap of ${maxBytes}`;
}

function describeKind(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symlink';
  if (stats.isFIFO()) return 'a fifo';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  return stats.isBlockDevice() ? 'a block device' : 'not a file';
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  // O_NOFOLLOW's answer for a symlink (Linux ELOOP; macOS says EMLINK).
  if (code === 'ELOOP' || code === 'EMLINK') return 'a symlink, not a regular file';
  return code ?? (error as Error).message;
}
