import { appendToTail, createOutputTail, type OutputTail } from './output-tail.js';
import { createOutputBudget, hasLinesLeft, renewOutputBudget, type OutputBudgetLimits } from './output-budget.js';
import type { OutputStream } from './gateway-process.js';
import { createHeldChunks } from './held-chunks.js';
import { createLineSplitter } from './line-splitter.js';
import { trackPrivateKeyBlock, type SecretSpan } from './redact.js';

export interface OutputCaptureOptions extends OutputBudgetLimits {
  maxTailLines: number;
  maxTailChars: number;
  /** Hides secrets in a line before it is kept or logged. */
  redact(line: string): string;
  /** Where `redact` would hide something in a text: an endless line is never cut there. */
  findSecretSpans(text: string): readonly SecretSpan[];
  /**
   * Where in a chunk's text `redact` may change something (findRedactionHints with the same secrets): a line clear of
   * them skips `redact`. Without it every line is redacted on its own.
   */
  findRedactionHints?(text: string): readonly SecretSpan[];
  logLine(stream: OutputStream, line: string): void;
  /** Every line, redacted, for readers such as the Slack probe; past the budget only lines holding a `watchFor` text. */
  onLine(stream: OutputStream, line: string): void;
  watchFor(): readonly string[];
  /** Output went over the budget: lines are kept for the tail but no longer logged until the window ends. */
  logSuppressing(stream: OutputStream, linesPerWindow: number, windowMs: number): void;
  logSuppressed(stream: OutputStream, suppressedBytes: number): void;
  nowMs(): number;
}

export interface OutputCapture {
  /** `chunk` is read during the call only (it may be a view of a read buffer that is filled again). */
  push(stream: OutputStream, chunk: Buffer): void;
  /** The redacted tail, oldest first, including what arrived while logging was suppressed. */
  getTailLines(): readonly string[];
  /** The gateway has ended: its last partial lines count too, and a pending "suppressed" summary is logged. */
  finish(): void;
}

/**
 * The gateway's output, line by line into the log, up to a budget per stream and window (as journald would limit it
 * anyway; a flood on stdout does not silence stderr).
 * Past the budget, chunks are only kept raw, up to the tail's size, and split into lines when the tail is read:
 * a gateway flooding its stdout costs clawsupd little more than the read.
 */
export function createOutputCapture(options: OutputCaptureOptions): OutputCapture {
  const tail: OutputTail = createOutputTail();
  const budgets = { stdout: createOutputBudget(options.nowMs()), stderr: createOutputBudget(options.nowMs()) };
  const isSuppressing = { stdout: false, stderr: false };
  const held = createHeldChunks(options.maxTailChars);
  let isLogging = true;
  // Per stream: how far into a private key printed over several lines, whose body lines are hidden whole.
  const keyBlockLines = { stdout: 0, stderr: 0 };

  const keep = (stream: OutputStream, line: string, isPlain: boolean): void => {
    let redacted = line;
    // Inside a private key block every line is hidden, plain or not.
    if (!isPlain || keyBlockLines[stream] > 0) {
      const tracked = trackPrivateKeyBlock(line, keyBlockLines[stream]);
      keyBlockLines[stream] = tracked.linesInside;
      redacted = options.redact(tracked.line);
    }
    appendToTail(tail, redacted, options.maxTailLines, options.maxTailChars);
    if (!isLogging) return;
    options.onLine(stream, redacted);
    const budget = budgets[stream];
    if (hasLinesLeft(budget, options)) {
      budget.loggedLines += 1;
      options.logLine(stream, redacted);
      return;
    }
    budget.suppressedBytes += line.length + 1;
    if (!isSuppressing[stream]) {
      isSuppressing[stream] = true;
      options.logSuppressing(stream, options.linesPerWindow, options.windowMs);
    }
  };
  let splitters = createSplitters(keep, options);

  const materialize = (): void => {
    if (held.isEmpty) return;
    const { chunks, hasEvicted } = held.take();
    // Lines rebuilt from held-back chunks go to the tail only: the log already said they were suppressed.
    isLogging = false;
    if (hasEvicted) {
      // The chunks before these were dropped: each stream's first line is a fragment.
      splitters = createSplitters(keep, options);
      const seen = new Set<OutputStream>();
      for (const { stream, chunk } of chunks) {
        if (seen.has(stream)) splitters[stream].push(chunk);
        else {
          seen.add(stream);
          const newline = chunk.indexOf(10);
          if (newline !== -1) splitters[stream].push(chunk.subarray(newline + 1));
          else seen.delete(stream);
        }
      }
    } else {
      for (const { stream, chunk } of chunks) splitters[stream].push(chunk);
    }
    isLogging = true;
  };

  const reportSuppressed = (stream: OutputStream): void => {
    const suppressedBytes = renewOutputBudget(budgets[stream], options.nowMs(), options);
    if (suppressedBytes === null) return;
    isSuppressing[stream] = false;
    if (suppressedBytes > 0) options.logSuppressed(stream, suppressedBytes);
  };

  return {
    push(stream, chunk) {
      reportSuppressed(stream);
      if (!isSuppressing[stream]) {
        // Held-back chunks of the other stream came first: they go to the tail before this one.
        materialize();
        splitters[stream].push(chunk);
        return;
      }
      budgets[stream].suppressedBytes += chunk.length;
      for (const line of findLinesContaining(chunk, options.watchFor())) options.onLine(stream, options.redact(line));
      held.hold(stream, chunk);
    },
    getTailLines() {
      materialize();
      return tail.lines;
    },
    finish() {
      materialize();
      splitters.stdout.flush();
      splitters.stderr.flush();
      for (const stream of ['stdout', 'stderr'] as const) {
        if (budgets[stream].suppressedBytes > 0) options.logSuppressed(stream, budgets[stream].suppressedBytes);
        budgets[stream].suppressedBytes = 0;
      }
    },
  };
}

/** The whole lines of `chunk` that contain one of `texts`: a byte search, so a flood costs no per-line work. */
function findLinesContaining(chunk: Buffer, texts: readonly string[]): string[] {
  const found = new Map<number, string>();
  for (const text of texts) {
    let from = 0;
    for (let at = chunk.indexOf(text, from); at !== -1; at = chunk.indexOf(text, from)) {
      const start = chunk.lastIndexOf(10, at) + 1;
      const newline = chunk.indexOf(10, at);
      const end = newline === -1 ? chunk.length : newline;
      if (!found.has(start)) found.set(start, chunk.toString('utf8', start, end).replace(/\r$/, ''));
      from = end + 1;
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, line]) => line);
}

function createSplitters(keep: (stream: OutputStream, line: string, isPlain: boolean) => void, options: OutputCaptureOptions) {
  const findSecretSpans = options.findSecretSpans.bind(options);
  const findRedactionHints = options.findRedactionHints?.bind(options);
  return {
    stdout: createLineSplitter((line, isPlain) => keep('stdout', line, isPlain), undefined, findSecretSpans, findRedactionHints),
    stderr: createLineSplitter((line, isPlain) => keep('stderr', line, isPlain), undefined, findSecretSpans, findRedactionHints),
  };
}
