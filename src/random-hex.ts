import { closeSync, openSync, readSync } from 'node:fs';

// node:crypto costs a process 1 MiB (Node 20) to 1.6 MiB (Node 24) of memory for its life once loaded, and the daemon
// needs only a few unguessable names: those come from the kernel's generator, and crypto is loaded where it is used.
const KERNEL_RANDOM = '/dev/urandom';

/** `byteCount` random bytes as hex, from /dev/urandom (Linux, macOS); node:crypto where that cannot be read. */
export function randomHex(byteCount: number, source = KERNEL_RANDOM): string {
  const bytes = Buffer.alloc(byteCount);
  try {
    const fd = openSync(source, 'r');
    try {
      for (let offset = 0; offset < byteCount; ) {
        const read = readSync(fd, bytes, offset, byteCount - offset, null);
        if (read === 0) throw new Error(`${source} ended`);
        offset += read;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    // A container without /dev: the same bytes from node:crypto, loaded now.
    return process.getBuiltinModule('node:crypto').randomBytes(byteCount).toString('hex');
  }
  return bytes.toString('hex');
}
