import { writeJsonAtomic } from './atomic-file.js';

export interface StatusWriter {
  /** Queues the latest value; writes never overlap and only the newest pending value is written. */
  write(value: unknown): void;
  /** Writes whatever is pending, synchronously (used on the way out). */
  flush(): void;
}

/** Coalesces status writes off the hot path: a burst of state changes becomes one write of the last one. */
export function createStatusWriter(path: string, onError: (error: NodeJS.ErrnoException) => void): StatusWriter {
  let pending: unknown = undefined;
  let hasPending = false;
  let isScheduled = false;
  let lastErrorCode: string | null = null;

  const writeNow = (): void => {
    if (!hasPending) return;
    const value = pending;
    hasPending = false;
    pending = undefined;
    try {
      writeJsonAtomic(path, value);
      lastErrorCode = null;
    } catch (error) {
      const errno = error as NodeJS.ErrnoException;
      // Report a failing disk once per cause, not once per write.
      if (errno.code !== lastErrorCode) onError(errno);
      lastErrorCode = errno.code ?? 'unknown';
    }
  };

  return {
    write(value: unknown): void {
      pending = value;
      hasPending = true;
      if (isScheduled) return;
      isScheduled = true;
      setImmediate(() => {
        isScheduled = false;
        writeNow();
      });
    },
    flush: writeNow,
  };
}
