import { writeFileAtomic, writeFileAtomicAsync } from './atomic-file.js';
import { EVIDENCE_FILE_MODE } from './evidence-files.js';

// A failed write is tried again after this, doubling up to the routine interval: a full disk costs one try per interval.
const RETRY_INITIAL_DELAY_MS = 100;

export interface StatusWriter {
  /** Marks the status changed; writes never overlap, and each takes the snapshot as it is when it starts. */
  write(): void;
  /**
   * The same for a change nobody waits for (a probe's latest timing): written at most once per routine interval, and
   * without an fsync when nothing else changed (status.json is rewritten at every start; the disk is spared one every
   * few seconds).
   */
  writeRoutine(): void;
  /** Waits for the write under way, then writes what is pending (used on the way out). */
  flush(): Promise<void>;
}

export interface StatusWriterOptions {
  /** The file's mode (0640 by default: status.json carries evidence) and group (control.group's, when set). */
  mode?: number;
  groupId?: number | null;
  /** The first retry of a failed write waits this long; each next one twice as long, up to the routine interval. */
  retryInitialDelayMs?: number;
  /** For tests: the write off the loop (a disk that fails on purpose). */
  writeFileAsync?: (path: string, content: string, options: { mode: number; groupId: number | null; isDurable: boolean }) => Promise<void>;
}

/**
 * Coalesces status writes off the loop: a burst of state changes becomes one write of the last one, and the snapshot
 * is built once per write, not once per change. A write that fails (a full disk) is tried again, with the snapshot of
 * that moment, until one succeeds: status.json must not keep saying what was true when the disk filled.
 */
export function createStatusWriter(
  path: string,
  takeSnapshot: () => unknown,
  onError: (error: NodeJS.ErrnoException) => void,
  routineIntervalMs: number,
  options: StatusWriterOptions = {},
): StatusWriter {
  const fileOptions = { mode: options.mode ?? EVIDENCE_FILE_MODE, groupId: options.groupId ?? null };
  const writeAsync = options.writeFileAsync ?? writeFileAtomicAsync;
  const retryInitialDelayMs = options.retryInitialDelayMs ?? RETRY_INITIAL_DELAY_MS;
  let hasPending = false;
  // Whether what is pending holds more than new timings: that write is fsynced.
  let hasDurablePending = false;
  let inFlight: Promise<void> | null = null;
  let routineTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryDelayMs = 0;
  let lastWriteAtMs = Number.NEGATIVE_INFINITY;
  let lastErrorCode: string | null = null;

  const report = (error: unknown): void => {
    const errno = error as NodeJS.ErrnoException;
    // Report a failing disk once per cause, not once per write.
    if (errno.code !== lastErrorCode) onError(errno);
    lastErrorCode = errno.code ?? 'unknown';
  };
  const takePending = (): { content: string; isDurable: boolean } => {
    const isDurable = hasDurablePending;
    hasPending = false;
    hasDurablePending = false;
    return { content: `${JSON.stringify(takeSnapshot(), null, 2)}\n`, isDurable };
  };
  const scheduleRetry = (): void => {
    hasPending = true;
    retryDelayMs = retryDelayMs === 0 ? retryInitialDelayMs : Math.min(retryDelayMs * 2, Math.max(routineIntervalMs, retryInitialDelayMs));
    retryTimer = setTimeout(() => {
      retryTimer = null;
      writeInBackground();
    }, retryDelayMs);
    retryTimer.unref();
  };
  const writeInBackground = (): void => {
    // While a retry waits, changes only wait with it: the retry takes the snapshot as it is then.
    if (inFlight !== null || !hasPending || retryTimer !== null) return;
    lastWriteAtMs = Date.now();
    const { content, isDurable } = takePending();
    inFlight = writeAsync(path, content, { ...fileOptions, isDurable })
      .then(
        () => {
          lastErrorCode = null;
          retryDelayMs = 0;
        },
        (error: unknown) => {
          report(error);
          hasDurablePending ||= isDurable;
          scheduleRetry();
        },
      )
      .finally(() => {
        inFlight = null;
        writeInBackground();
      });
  };

  return {
    write(): void {
      hasPending = true;
      hasDurablePending = true;
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
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      while (inFlight !== null) await inFlight;
      // A failure just now scheduled another retry: this write replaces it.
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      if (!hasPending) return;
      try {
        writeFileAtomic(path, takePending().content, { ...fileOptions, isDurable: true });
        lastErrorCode = null;
      } catch (error) {
        report(error);
      }
    },
  };
}
