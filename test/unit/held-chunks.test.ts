// Output held back past the budget is copied: the reader's buffer is filled again by the next read.
import { describe, expect, it } from 'vitest';
import { createHeldChunks } from '../../src/gateway/held-chunks.js';
import { createOutputCapture } from '../../src/gateway/output-capture.js';

const text = (chunks: ReadonlyArray<{ stream: string; chunk: Buffer }>): string[] => chunks.map(({ stream, chunk }) => `${stream}:${chunk.toString()}`);

describe('held chunks', () => {
  it('keeps the bytes a chunk had when held, after the caller reuses its buffer', () => {
    const held = createHeldChunks(1_000);
    const readBuffer = Buffer.from('first\n');
    held.hold('stdout', readBuffer);
    readBuffer.write('again\n');
    held.hold('stderr', readBuffer);
    readBuffer.write('third\n');
    expect(text(held.take().chunks)).toEqual(['stdout:first\n', 'stderr:again\n']);
  });

  it.each([
    // maxBytes, chunk sizes held, the sizes kept: the newest chunks whose bytes after the oldest reach maxBytes.
    [10, [4, 4, 4], [4, 4, 4], false],
    [10, [4, 4, 4, 4], [4, 4, 4], true],
    [10, [20, 3], [20, 3], false],
    [10, [3, 20], [20], true],
    [10, [3, 20, 1], [20, 1], true],
  ])('with maxBytes %i, holding %j keeps %j (older dropped: %s)', (maxBytes, sizes, kept, hasEvicted) => {
    const held = createHeldChunks(maxBytes);
    sizes.forEach((size, index) => held.hold('stdout', Buffer.alloc(size, 97 + index)));
    const taken = held.take();
    expect(taken.chunks.map(({ chunk }) => chunk.length)).toEqual(kept);
    expect(taken.hasEvicted).toBe(hasEvicted);
    expect(held.isEmpty).toBe(true);
  });

  it('keeps the newest bytes in order across many holds that wrap its buffer', () => {
    const held = createHeldChunks(64 * 1024);
    const read = Buffer.alloc(60 * 1024);
    for (let i = 0; i < 50; i += 1) {
      read.fill(65 + (i % 26));
      held.hold(i % 3 === 0 ? 'stderr' : 'stdout', read);
    }
    const { chunks, hasEvicted } = held.take();
    expect(hasEvicted).toBe(true);
    expect(chunks.map(({ stream, chunk }) => `${stream}:${String.fromCharCode(chunk[0] ?? 0)}${chunk.every((byte) => byte === chunk[0]) ? '' : '!'}`)).toEqual(['stderr:W', 'stdout:X']);
  });

  it('gives the output capture a tail that is right when every chunk came through one refilled read buffer', () => {
    const capture = createOutputCapture({
      maxTailLines: 10,
      maxTailChars: 1_000,
      linesPerWindow: 1,
      windowMs: 1_000,
      redact: (line) => line,
      findSecretSpans: () => [],
      logLine: () => undefined,
      onLine: () => undefined,
      watchFor: () => [],
      logSuppressing: () => undefined,
      logSuppressed: () => undefined,
      nowMs: () => 0,
    });
    const readBuffer = Buffer.alloc(8);
    for (const piece of ['logged\n', 'held 1\n', 'held 2\n', 'held 3\n']) {
      readBuffer.write(piece);
      capture.push('stdout', readBuffer.subarray(0, piece.length));
    }
    readBuffer.fill(0);
    expect(capture.getTailLines()).toEqual(['logged', 'held 1', 'held 2', 'held 3']);
  });
});
