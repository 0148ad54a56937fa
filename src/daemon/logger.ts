import pino, { type Logger } from 'pino';

export type { Logger };

// Secrets never reach the log, whatever component logs them.
const REDACT_PATHS = ['token', '*.token', 'password', '*.password', 'env', '*.env', 'authorization', '*.authorization', 'headers.authorization'];

export interface LoggerOptions {
  level: string;
  /** A file descriptor or path; stdout by default. */
  destination?: number | string;
}

const fileDestinations = new WeakMap<Logger, { reopen(): void }>();

/** After newsyslog or logrotate moved the log file away, write to a fresh one; a no-op when logging to stdout. */
export function reopenLogFile(log: Logger): void {
  fileDestinations.get(log)?.reopen();
}

/** The daemon's one root logger: JSON lines, never blocking the loop on a slow reader of stdout. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = pino.destination({
    dest: options.destination ?? 1,
    sync: false,
    mkdir: typeof options.destination === 'string',
    append: true,
    minLength: 0,
    // Past 16 MiB of unwritten log (a stalled journal), lines are dropped rather than memory grown.
    maxLength: 16 * 1024 * 1024,
  });
  const log = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  if (typeof options.destination === 'string') fileDestinations.set(log, destination);
  return log;
}
