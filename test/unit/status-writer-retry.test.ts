import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStatusWriter } from '../../src/status/status-writer.js';

const ROUTINE_INTERVAL_MS = 1_000;
const RETRY_INITIAL_DELAY_MS = 100;

/** A disk that refuses the first `failures` writes with ENOSPC, and keeps what it was given. */
function makeDisk(failures: number) {
  const attemptsAtMs: number[] = [];
  const written: string[] = [];
  let left = failures;
  const writeFileAsync = async (_path: string, content: string): Promise<void> => {
    attemptsAtMs.push(Date.now());
    if (left > 0) {
      left -= 1;
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    }
    written.push(JSON.parse(content).mode as string);
  };
  return { attemptsAtMs, written, writeFileAsync, heal: () => (left = 0) };
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('status writer on a failing disk', () => {
  it('tries a failed write again, with the snapshot of that moment, until it succeeds; reports the cause once', async () => {
    const disk = makeDisk(3);
    const errors: string[] = [];
    let mode = 'held';
    const writer = createStatusWriter('/nowhere/status.json', () => ({ mode }), (error) => errors.push(error.code ?? ''), ROUTINE_INTERVAL_MS, {
      retryInitialDelayMs: RETRY_INITIAL_DELAY_MS,
      writeFileAsync: disk.writeFileAsync,
    });
    writer.write();
    await vi.advanceTimersByTimeAsync(0);
    // The node is healthy again while the disk is still full; nothing else asks for a write.
    mode = 'healthy';
    await vi.advanceTimersByTimeAsync(10_000);
    expect(disk.written).toEqual(['healthy']);
    expect(disk.attemptsAtMs).toEqual([0, 100, 300, 700]);
    expect(errors).toEqual(['ENOSPC']);
  });

  it.each([
    { name: 'doubles up to the routine interval, never past it', failures: 8, expected: [0, 100, 300, 700, 1_500, 2_500, 3_500, 4_500, 5_500] },
    { name: 'a first write that succeeds is the only one', failures: 0, expected: [0] },
  ])('retry delays: $name', async ({ failures, expected }) => {
    const disk = makeDisk(failures);
    const writer = createStatusWriter('/nowhere/status.json', () => ({ mode: 'healthy' }), () => undefined, ROUTINE_INTERVAL_MS, {
      retryInitialDelayMs: RETRY_INITIAL_DELAY_MS,
      writeFileAsync: disk.writeFileAsync,
    });
    writer.write();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(disk.attemptsAtMs).toEqual(expected);
    expect(disk.written).toEqual(['healthy']);
  });

  it('changes during a retry wait are written by the retry, not each on its own', async () => {
    const disk = makeDisk(1);
    let mode = 'starting';
    const writer = createStatusWriter('/nowhere/status.json', () => ({ mode }), () => undefined, ROUTINE_INTERVAL_MS, {
      retryInitialDelayMs: RETRY_INITIAL_DELAY_MS,
      writeFileAsync: disk.writeFileAsync,
    });
    writer.write();
    await vi.advanceTimersByTimeAsync(10);
    for (const next of ['degraded', 'healthy']) {
      mode = next;
      writer.write();
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(disk.attemptsAtMs).toEqual([0, 100]);
    expect(disk.written).toEqual(['healthy']);
  });
});
