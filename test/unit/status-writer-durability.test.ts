import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStatusWriter } from '../../src/status/status-writer.js';

const ROUTINE_INTERVAL_MS = 5_000;

/** A disk that records each write's mode and whether it was asked to fsync; it refuses the first `failures`. */
function makeDisk(failures = 0) {
  const writes: Array<{ atMs: number; mode: string; isDurable: boolean }> = [];
  let left = failures;
  const writeFileAsync = async (_path: string, content: string, options: { isDurable: boolean }): Promise<void> => {
    if (left > 0) {
      left -= 1;
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    }
    writes.push({ atMs: Date.now(), mode: JSON.parse(content).mode as string, isDurable: options.isDurable });
  };
  return { writes, writeFileAsync };
}

/** A status writer on that disk, whose snapshot is `{ mode }` as `readMode` says at each write. */
function startWriter(disk: ReturnType<typeof makeDisk>, readMode: () => string) {
  return createStatusWriter('/nowhere/status.json', () => ({ mode: readMode() }), () => undefined, ROUTINE_INTERVAL_MS, {
    retryInitialDelayMs: 100,
    writeFileAsync: disk.writeFileAsync,
  });
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('status writer: which writes are fsynced', () => {
  it('fsyncs a change of state and not a write of new timings alone', async () => {
    const disk = makeDisk();
    let mode = 'starting';
    const writer = startWriter(disk, () => mode);
    writer.write();
    await vi.advanceTimersByTimeAsync(0);
    mode = 'healthy';
    writer.write();
    await vi.advanceTimersByTimeAsync(0);
    // A probe's new timings every second for 12 s: written at 5 and 10 s, neither fsynced.
    for (let second = 1; second <= 12; second += 1) {
      await vi.advanceTimersByTimeAsync(1_000);
      writer.writeRoutine();
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(disk.writes).toEqual([
      { atMs: 0, mode: 'starting', isDurable: true },
      { atMs: 0, mode: 'healthy', isDurable: true },
      { atMs: 5_000, mode: 'healthy', isDurable: false },
      { atMs: 10_000, mode: 'healthy', isDurable: false },
    ]);
  });

  it('fsyncs a routine write that a change of state joined before it went', async () => {
    const disk = makeDisk();
    let mode = 'healthy';
    const writer = startWriter(disk, () => mode);
    writer.write();
    await vi.advanceTimersByTimeAsync(1_000);
    writer.writeRoutine();
    await vi.advanceTimersByTimeAsync(1_000);
    mode = 'degraded';
    writer.write();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(disk.writes).toEqual([
      { atMs: 0, mode: 'healthy', isDurable: true },
      { atMs: 2_000, mode: 'degraded', isDurable: true },
    ]);
  });

  it('keeps a failed change of state fsynced on its retry, though only timings came meanwhile', async () => {
    const disk = makeDisk(1);
    const writer = startWriter(disk, () => 'diagnose');
    writer.write();
    await vi.advanceTimersByTimeAsync(50);
    writer.writeRoutine();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(disk.writes).toEqual([{ atMs: 100, mode: 'diagnose', isDurable: true }]);
  });
});
