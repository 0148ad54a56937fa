import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DaemonContext } from '../../src/daemon/daemon-part.js';
import { attachLogRotation, type FileIdentity } from '../../src/daemon/log-rotation-part.js';

const INTERVAL_MS = 1_000;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A path whose file the test swaps; reopen() counts and, like the real one, creates the file when it is gone. */
function setUp(file: string | undefined, first: FileIdentity) {
  let current = first;
  const notes: unknown[] = [];
  const reopen = vi.fn(() => {
    if (current === null) current = { dev: 1, ino: 999 };
  });
  const context = {
    config: { log: { file } },
    log: { child: () => ({ info: (fields: unknown) => notes.push(fields) }) },
  } as unknown as DaemonContext;
  const detach = attachLogRotation(context, { identify: () => current, reopen, intervalMs: INTERVAL_MS });
  return { reopen, notes, detach, swap: (next: FileIdentity) => (current = next) };
}

describe('attachLogRotation', () => {
  it('does nothing while the path names the same file', async () => {
    const { reopen } = setUp('/l/clawsupd.log', { dev: 1, ino: 10 });
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 5);
    expect(reopen).not.toHaveBeenCalled();
  });

  it.each([
    ['another file (newsyslog made a new one)', { dev: 1, ino: 11 }, 'another file'],
    ['another device, same inode number', { dev: 2, ino: 10 }, 'another file'],
    ['nothing (moved or removed)', null, 'nothing'],
  ])('reopens once when the path names %s, and says so a tick later', async (_, next, found) => {
    const { reopen, notes, swap } = setUp('/l/clawsupd.log', { dev: 1, ino: 10 });
    swap(next);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(reopen).toHaveBeenCalledTimes(1);
    expect(notes).toEqual([]);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 5);
    expect(reopen).toHaveBeenCalledTimes(1);
    expect(notes).toEqual([{ logFile: '/l/clawsupd.log', found }]);
  });

  it('without log.file (stdout), and once detached, never looks', async () => {
    const toStdout = setUp(undefined, { dev: 1, ino: 10 });
    toStdout.swap(null);
    const detached = setUp('/l/clawsupd.log', { dev: 1, ino: 10 });
    await detached.detach.detach();
    detached.swap({ dev: 1, ino: 12 });
    await vi.advanceTimersByTimeAsync(INTERVAL_MS * 3);
    expect(toStdout.reopen).not.toHaveBeenCalled();
    expect(detached.reopen).not.toHaveBeenCalled();
  });
});
