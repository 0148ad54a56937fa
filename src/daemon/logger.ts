import { writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { ClawsupError } from '../errors.js';
import { createLogDestination, openLogFile, type LogDestination, type LogWriteState } from './log-destination.js';

export type { Logger, LogWriteState };

// Secrets never reach the log, whatever component logs them.
const REDACT_PATHS = ['token', '*.token', 'password', '*.password', 'env', '*.env', 'authorization', '*.authorization', 'headers.authorization'];

export interface LoggerOptions {
  level: string;
  /** Log to this file (appending) instead of stdout. */
  file?: string;
  /** Where `log.file` is set ("clawsup.json5:12:5"), for the error when the file cannot be opened. */
  fileSetAt?: string;
}

const destinations = new WeakMap<Logger, LogDestination>();
const stateListeners = new WeakMap<Logger, Set<() => void>>();

/** After newsyslog or logrotate moved the log file away, write to a fresh one; a no-op when logging to stdout. */
export function reopenLogFile(log: Logger): void {
  destinations.get(log)?.reopen();
}

/** Lines lost to write errors or a stalled reader, and the last error: for status.json. */
export function readLogWriteState(log: Logger): LogWriteState {
  return destinations.get(log)?.readState() ?? { droppedLines: 0, lastError: null, isFailing: false };
}

/**
 * Logs `{ stream, line }` at info exactly as `log.child({ component }).info({ stream, line }, msg)` would (the same
 * fields, in the same order), written straight to the destination: a gateway's output lines skip pino's per-call
 * serializing and redact clone, which cost a flood most of its first budget of lines. No field here is a redact path.
 */
export function createOutputLineLogger(log: Logger, component: string, msg: string): (stream: string, line: string) => void {
  const destination = destinations.get(log);
  const middle = `,"pid":${process.pid},"component":${JSON.stringify(component)},"stream":`;
  const end = `,"msg":${JSON.stringify(msg)}}\n`;
  const child = log.child({ component });
  // One ISO time per millisecond: a flood's lines share it, and toISOString was the largest part of a line's cost.
  let timeMs = Number.NaN;
  let time = '';
  return (stream, line) => {
    if (!log.isLevelEnabled('info')) return;
    if (destination === undefined) return void child.info({ stream, line }, msg);
    const nowMs = Date.now();
    if (nowMs !== timeMs) {
      timeMs = nowMs;
      time = new Date(nowMs).toISOString();
    }
    destination.write(`{"level":"info","time":"${time}"${middle}${JSON.stringify(stream)},"line":${JSON.stringify(line)}${end}`);
  };
}

/** Calls `listener` when lines start being dropped and when writes work again (to mark status.json changed). */
export function watchLogWriteState(log: Logger, listener: () => void): () => void {
  const listeners = stateListeners.get(log);
  listeners?.add(listener);
  return () => listeners?.delete(listener);
}

/**
 * The daemon's one root logger: JSON lines, never blocking the loop on a slow reader of stdout. A log file that cannot
 * be opened is a config error (thrown now, before anything is started); later write errors drop lines and say so once.
 */
export function createLogger(options: LoggerOptions): Logger {
  const file = options.file ?? null;
  const fd = file === null ? 1 : openOrRefuse(file, options.fileSetAt);
  const where = file ?? 'stdout';
  let log: Logger | null = null;
  const listeners = new Set<() => void>();
  // Later, not inside the write: a listener may log.
  const notify = (): void => queueMicrotask(() => listeners.forEach((listener) => listener()));
  const destination = createLogDestination(
    { fd, file },
    {
      onFailing: (error) => {
        writeStderr(`clawsupd: log write failed on ${where} (${error}): dropping log lines until writes work again\n`);
        notify();
      },
      onResumed: (droppedLines, lastError) => {
        log?.warn({ droppedLines, lastError, logFile: where }, 'log lines were dropped: log writes work again');
        notify();
      },
      onReopenFailed: (error) => log?.error({ logFile: where, err: error }, 'cannot reopen the log file: still writing to the old one'),
    },
  );
  log = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  // Whatever ends the process (an internal error included), the last lines get one synchronous try.
  process.once('exit', () => destination.flushSync());
  destinations.set(log, destination);
  stateListeners.set(log, listeners);
  return log;
}

function openOrRefuse(file: string, setAt: string | undefined): number {
  try {
    return openLogFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    const why = OPEN_ERRORS[code];
    throw new ClawsupError(
      'CLAWSUP_ERR_CONFIG_INVALID',
      `${setAt ?? 'config'}: log.file: cannot open ${file} for appending: ${code}${why ? ` (${why})` : ''}`,
      { cause: error },
    );
  }
}

const OPEN_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied: the folder or file must be writable by the user clawsupd runs as',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** Straight to fd 2, errors ignored: stderr may sit on the same full disk, and a failing report must not crash us. */
function writeStderr(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // Nowhere left to say it: status.json still shows the count.
  }
}
