import { writeFileAtomic, writeFileAtomicAsync } from './atomic-file.js';

export interface StatusWriter {
  /** Marks the status changed; writes never overlap, and each takes the snapshot as it is when it starts. */
  write(): void;
  /** The same for a change nobody waits for (a probe's latest timing): written at most once per routine interval. */
  writeRoutine(): void;
  /** Waits for the write under way, then writes what is pending (used on the way out). */
  flush(): Promise<void>;
}

/**
 * Coalesces status writes off the loop: a burst of state changes becomes one write of the last one, and the snapshot
 * is built once per write, not once per change.
 */
export function createStatusWriter(
  path: string,
  takeSnapshot: () => unknown,
  onError: (error: NodeJS.ErrnoException) => void,
  routineIntervalMs: number,
): StatusWriter {
  let hasPending = false;
  let inFlight: Promise<void> | null = null;
  let routineTimer: NodeJS.Timeout | null = null;
  let lastWriteAtMs = Number.NEGATIVE_INFINITY;
  let lastErrorCode: string | null = null;

  const report = (error: unknown): void => {
    const errno = error as NodeJS.ErrnoException;
    // Report a failing disk once per cause, not once per write.
    if (errno.code !== lastErrorCode) onError(errno);
    lastErrorCode = errno.code ?? 'unknown';
  };
  const takePending = (): string => {
    hasPending = false;
    return `${JSON.stringify(takeSnapshot(), null, 2)}\n`;
  };
  const writeInBackground = (): void => {
    if (inFlight !== null || !hasPending) return;
    lastWriteAtMs = Date.now();
    inFlight = writeFileAtomicAsync(path, takePending())
      .then(
        () => {
          lastErrorCode = null;
        },
        report,
      )
      .finally(() => {
        inFlight = null;
        writeInBackground();
      });
  };

  return {
    write(): void {
      hasPending = true;
      writeInBackground();
    },
    writeRoutine(): void {
      hasPending = true;
      if (routineTimer !== null) return;
      const waitMs = lastWriteAtMs + routineIntervalMs - Date.now();
      if (waitMs <= 0) return writeInBackground();
      // An urgent write meanwhile takes the pending value with it; the timer then finds nothing to do.
      routineTimer = setTimeout(() => {
        routineTimer = null;
        writeInBackground();
      }, waitMs);
      routineTimer.unref();
    },
    async flush(): Promise<void> {
      if (routineTimer !== null) clearTimeout(routineTimer);
      routineTimer = null;
      while (inFlight !== null) await inFlight;
      if (!hasPending) return;
      try {
        writeFileAtomic(path, takePending(), { isDurable: true });
        lastErrorCode = null;
      } catch (error) {
        report(error);
      }
    },
  };
}
