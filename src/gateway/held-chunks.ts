import type { OutputStream } from './gateway-process.js';

export interface HeldChunk {
  stream: OutputStream;
  chunk: Buffer;
}

/**
 * Output held back past the budget, copied into one reused buffer: the caller's chunk may be a view of a read buffer
 * that is filled again, and a flood must not keep (or allocate) a buffer per read. Holds the newest chunks whose bytes
 * after the oldest reach `maxBytes` at least, as a list of chunks would.
 */
export function createHeldChunks(maxBytes: number) {
  let slab = Buffer.alloc(0);
  let entries: Array<{ stream: OutputStream; start: number; length: number }> = [];
  let heldBytes = 0;
  let usedBytes = 0;
  let hasEvicted = false;

  const compact = (capacity: number): void => {
    const from = entries[0]?.start ?? usedBytes;
    const target = capacity > slab.length ? Buffer.allocUnsafe(capacity) : slab;
    slab.copy(target, 0, from, usedBytes);
    slab = target;
    for (const entry of entries) entry.start -= from;
    usedBytes -= from;
  };

  return {
    hold(stream: OutputStream, chunk: Buffer): void {
      while (entries.length > 0 && heldBytes + chunk.length - (entries[0]?.length ?? 0) >= maxBytes) {
        heldBytes -= entries.shift()?.length ?? 0;
        hasEvicted = true;
      }
      if (usedBytes + chunk.length > slab.length) compact(Math.max(slab.length, heldBytes + chunk.length, maxBytes + 64 * 1024));
      chunk.copy(slab, usedBytes);
      entries.push({ stream, start: usedBytes, length: chunk.length });
      usedBytes += chunk.length;
      heldBytes += chunk.length;
    },
    /** The held chunks, oldest first, as views valid until the next `hold`; `hasEvicted` if older ones were dropped. */
    take(): { chunks: HeldChunk[]; hasEvicted: boolean } {
      const chunks = entries.map(({ stream, start, length }) => ({ stream, chunk: slab.subarray(start, start + length) }));
      const taken = { chunks, hasEvicted };
      entries = [];
      heldBytes = 0;
      usedBytes = 0;
      hasEvicted = false;
      return taken;
    },
    get isEmpty(): boolean {
      return entries.length === 0;
    },
  };
}
