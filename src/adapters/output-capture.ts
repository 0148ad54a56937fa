import { appendToTail, createOutputTail, type OutputTail } from '../core/output-tail.js';
import { createOutputBudget, hasLinesLeft, renewOutputBudget, type OutputBudgetLimits } from '../core/output-budget.js';
import type { OutputStream } from './gateway-process.js';
import { createLineSplitter } from './line-splitter.js';

export interface OutputCaptureOptions extends OutputBudgetLimits {
  maxTailLines: number;
  maxTailChars: number;
  /** Hides secrets in a line before it is kept or logged. */
  redact(line: string): string;
  logLine(stream: OutputStream, line: string): void;
  /** Output went over the budget: lines are kept for the tail but no longer logged until the window ends. */
  logSuppressing(linesPerWindow: number, windowMs: number): void;
  logSuppressed(suppressedBytes: number): void;
  nowMs(): number;
}

export interface OutputCapture {
  push(stream: OutputStream, chunk: Buffer): void;
  /** The redacted tail, oldest first, including what arrived while logging was suppressed. */
  getTailLines(): readonly string[];
  /** The gateway has ended: its last partial lines count too, and a pending "suppressed" summary is logged. */
  finish(): void;
}

interface RawChunk {
  stream: OutputStream;
  chunk: Buffer;
}

/**
 * The gateway's output, line by line into the log, up to a budget per window (as journald would limit it anyway).
 * Past the budget, chunks are only kept raw, up to the tail's size, and split into lines when the tail is read:
 * a gateway flooding its stdout costs clawsupd little more than the read.
 */
export function createOutputCapture(options: OutputCaptureOptions): OutputCapture {
  const tail: OutputTail = createOutputTail();
  const budget = createOutputBudget(options.nowMs());
  let pending: RawChunk[] = [];
  let pendingBytes = 0;
  let hasEvicted = false;
  let isSuppressing = false;
  let isLogging = true;

  const keep = (stream: OutputStream, line: string): void => {
    const redacted = options.redact(line);
    appendToTail(tail, redacted, options.maxTailLines, options.maxTailChars);
    if (!isLogging) return;
    if (hasLinesLeft(budget, options)) {
      budget.loggedLines += 1;
      options.logLine(stream, redacted);
      return;
    }
    budget.suppressedBytes += line.length + 1;
    if (!isSuppressing) {
      isSuppressing = true;
      options.logSuppressing(options.linesPerWindow, options.windowMs);
    }
  };
  let splitters = createSplitters(keep);

  const materialize = (): void => {
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    // Lines rebuilt from held-back chunks go to the tail only: the log already said they were suppressed.
    isLogging = false;
    if (hasEvicted) {
      // The chunks before these were dropped: each stream's first line is a fragment.
      splitters = createSplitters(keep);
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
      hasEvicted = false;
    } else {
      for (const { stream, chunk } of chunks) splitters[stream].push(chunk);
    }
    isLogging = true;
  };

  const reportSuppressed = (): void => {
    const suppressedBytes = renewOutputBudget(budget, options.nowMs(), options);
    if (suppressedBytes === null) return;
    materialize();
    isSuppressing = false;
    if (suppressedBytes > 0) options.logSuppressed(suppressedBytes);
  };

  return {
    push(stream, chunk) {
      reportSuppressed();
      if (!isSuppressing) {
        splitters[stream].push(chunk);
        return;
      }
      budget.suppressedBytes += chunk.length;
      pending.push({ stream, chunk });
      pendingBytes += chunk.length;
      while (pending.length > 1 && pendingBytes - (pending[0]?.chunk.length ?? 0) >= options.maxTailChars) {
        pendingBytes -= pending.shift()?.chunk.length ?? 0;
        hasEvicted = true;
      }
    },
    getTailLines() {
      materialize();
      return tail.lines;
    },
    finish() {
      materialize();
      splitters.stdout.flush();
      splitters.stderr.flush();
      if (budget.suppressedBytes > 0) options.logSuppressed(budget.suppressedBytes);
      budget.suppressedBytes = 0;
    },
  };
}

function createSplitters(keep: (stream: OutputStream, line: string) => void) {
  return {
    stdout: createLineSplitter((line) => keep('stdout', line)),
    stderr: createLineSplitter((line) => keep('stderr', line)),
  };
}
