import { closeSync, mkdir, mkdirSync, open, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the log writer has lost: shown in status.json, so a gap in the log is never silent. */
export interface LogWriteState {
  droppedLines: number;
  /** The last write error ("ENOSPC: no space left on device, write"), or the backlog overflow; null if none yet. */
  lastError: string | null;
  /** Lines are being dropped now (cleared by the next write that works). */
  isFailing: boolean;
}

export interface LogDestinationEvents {
  /** The first failure of a streak, once: the log itself may be where the failure is. */
  onFailing(error: string): void;
  /** Writes work again after `droppedLines` lines were lost in this streak. */
  onResumed(droppedLines: number, lastError: string): void;
  /** A reopen (SIGHUP) could not open the file: the old one is kept. */
  onReopenFailed(error: string): void;
}

export interface LogDestination {
  /** One pino line; never throws, never blocks. */
  write(line: string): boolean;
  /** Calls back once everything queued so far is written or dropped. */
  flush(callback: (error?: Error) => void): void;
  /** At process exit: one synchronous try at what is still queued, never retried on an error. */
  flushSync(): void;
  reopen(): void;
  readState(): LogWriteState;
}

// Past this much unwritten log (a stalled journal), lines are dropped rather than memory grown.
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
// One write call carries at most this much: a pipe takes 64 KiB at once, and a short write is resumed.
const MAX_WRITE_BYTES = 64 * 1024;
// A full pipe (EAGAIN) drains on its own: look again this much later.
const BUSY_RETRY_MS = 100;
// The daemon's last flush waits at most this long.
const FLUSH_DEADLINE_MS = 2_000;
const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from('\n');

/** Opens the log file for appending now, so a path that cannot be written fails before anything starts; throws the errno error. */
export function openLogFile(path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    // A file in the folder's place: the open below names it better (ENOTDIR) than mkdir does (EEXIST).
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return openSync(path, 'a');
}

/**
 * An async, bounded writer for pino. Unlike pino's own destination, a write error (ENOSPC, EIO, EPIPE) drops the
 * lines it carried and is counted, instead of an unhandled 'error' event or an exit flush retrying forever.
 */
export function createLogDestination(target: { fd: number; file: string | null }, events: LogDestinationEvents): LogDestination {
  let fd = target.fd;
  let nextFd: number | null = null;
  let queue: Array<string | Buffer> = [];
  // The byte length of each queued part, counted once when it is queued.
  let queueSizes: number[] = [];
  let queuedBytes = 0;
  let inFlight: Buffer | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let flushCallbacks: Array<(error?: Error) => void> = [];
  const state: LogWriteState = { droppedLines: 0, lastError: null, isFailing: false };
  let streakDroppedLines = 0;
  // The file ends inside a line (a short write, then its rest lost): the next write starts a fresh line.
  let isMidLine = false;

  const drop = (lines: number, error: string): void => {
    state.droppedLines += lines;
    streakDroppedLines += lines;
    state.lastError = error;
    if (!state.isFailing) {
      state.isFailing = true;
      events.onFailing(error);
    }
  };

  const resume = (): void => {
    if (!state.isFailing) return;
    state.isFailing = false;
    const lost = streakDroppedLines;
    streakDroppedLines = 0;
    events.onResumed(lost, state.lastError ?? 'unknown');
  };

  const takeChunk = (): Buffer => {
    let count = 0;
    let bytes = 0;
    while (count < queue.length && (count === 0 || bytes + (queueSizes[count] as number) <= MAX_WRITE_BYTES)) {
      bytes += queueSizes[count] as number;
      count += 1;
    }
    const parts = queue.splice(0, count);
    queueSizes.splice(0, count);
    queuedBytes -= bytes;
    // A burst of lines is one string joined and encoded once, not a Buffer per line and a concat.
    if (parts.every((part) => typeof part === 'string')) return Buffer.from(parts.join(''));
    return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)), bytes);
  };

  const settleIfIdle = (): void => {
    if (inFlight !== null || retryTimer !== null || queue.length > 0) return;
    const callbacks = flushCallbacks;
    flushCallbacks = [];
    for (const callback of callbacks) callback();
  };

  const pump = (): void => {
    if (inFlight !== null || retryTimer !== null) return;
    if (nextFd !== null) {
      // Swapped only between writes, so no line is split across the old file and the new one.
      closeQuietly(fd);
      fd = nextFd;
      nextFd = null;
    }
    if (queue.length === 0) return settleIfIdle();
    const body = takeChunk();
    const chunk = isMidLine ? Buffer.concat([NEWLINE_BYTES, body]) : body;
    inFlight = chunk;
    write(fd, chunk, 0, chunk.length, null, (error, written) => onWritten(chunk, body, error, written));
  };

  const onWritten = (chunk: Buffer, body: Buffer, error: NodeJS.ErrnoException | null, written: number): void => {
    inFlight = null;
    if (error && (error.code === 'EAGAIN' || error.code === 'EBUSY')) {
      requeueFront(body);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        pump();
      }, BUSY_RETRY_MS);
      return;
    }
    if (error) {
      drop(countLines(body), describeWriteError(error));
    } else {
      isMidLine = written > 0 ? chunk[written - 1] !== NEWLINE : isMidLine;
      // The rest first: resume() logs a line, which must queue behind it.
      if (written < chunk.length) requeueFront(chunk.subarray(written));
      resume();
    }
    pump();
  };

  // Kept as bytes: a short write may end inside a UTF-8 character.
  const requeueFront = (rest: Buffer): void => {
    queue.unshift(rest);
    queueSizes.unshift(rest.length);
    queuedBytes += rest.length;
  };

  return {
    write(line: string): boolean {
      const bytes = Buffer.byteLength(line);
      if (queuedBytes + bytes > MAX_BACKLOG_BYTES) {
        drop(1, `backlog over ${MAX_BACKLOG_BYTES} bytes: the log's reader is not keeping up`);
        return false;
      }
      queue.push(line);
      queueSizes.push(bytes);
      queuedBytes += bytes;
      pump();
      return true;
    },
    flush(callback): void {
      let isCalled = false;
      const once = (): void => {
        if (isCalled) return;
        isCalled = true;
        clearTimeout(deadline);
        callback();
      };
      // A reader that stopped reading (EAGAIN for ever) must not hold the daemon's exit.
      const deadline = setTimeout(once, FLUSH_DEADLINE_MS);
      deadline.unref();
      flushCallbacks.push(once);
      settleIfIdle();
    },
    flushSync(): void {
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      if (queue.length === 0) return;
      const rest = Buffer.concat([...(isMidLine ? [NEWLINE_BYTES] : []), ...queue.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))]);
      queue = [];
      queueSizes = [];
      queuedBytes = 0;
      let offset = 0;
      try {
        while (offset < rest.length) offset += writeSync(fd, rest, offset);
      } catch (error) {
        drop(countLines(rest.subarray(offset)), describeWriteError(error as NodeJS.ErrnoException));
      }
    },
    reopen(): void {
      const file = target.file;
      if (file === null) return;
      mkdir(dirname(file), { recursive: true }, () => {
        open(file, 'a', (error, opened) => {
          if (error) return events.onReopenFailed(describeWriteError(error));
          if (nextFd !== null) closeQuietly(nextFd);
          nextFd = opened;
          pump();
        });
      });
    },
    readState: () => ({ ...state }),
  };
}

function describeWriteError(error: NodeJS.ErrnoException): string {
  return error.message.startsWith(`${error.code}:`) ? error.message : `${error.code ?? 'EIO'}: ${error.message}`;
}

function countLines(chunk: Buffer): number {
  let lines = 0;
  for (let index = chunk.indexOf(NEWLINE); index !== -1; index = chunk.indexOf(NEWLINE, index + 1)) lines += 1;
  return Math.max(lines, 1);
}

function closeQuietly(fd: number): void {
  if (fd <= 2) return;
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing left to release.
  }
}
