/** Size rotation and retention of the journal's files, decided on plain facts: no clock, no disk. */

/** A journal file: 0 is events.ndjson, N is events.ndjson.N; `newestAtMs` is when its last event was written. */
export interface JournalFileFacts {
  index: number;
  newestAtMs: number;
}

export interface RetentionPolicy {
  maxFiles: number;
  keepMs: number;
  nowMs: number;
}

/** The line goes to a fresh file when it would take a non-empty file past `maxBytes`: a file is never left empty. */
export function shouldRotate(sizeBytes: number, lineBytes: number, maxBytes: number): boolean {
  return sizeBytes > 0 && sizeBytes + lineBytes > maxBytes;
}

/** Renames that make room for a fresh events.ndjson, highest first so none lands on a file not yet moved. */
export function planRotation(existingIndices: readonly number[]): Array<{ from: number; to: number }> {
  return [...existingIndices].sort((a, b) => b - a).map((index) => ({ from: index, to: index + 1 }));
}

/**
 * The files to delete, oldest first, so at most `maxFiles` remain. A file holding an event younger than `keepMs` is
 * never deleted, nor anything newer than it: under a burst the bound is exceeded rather than the last day lost.
 */
export function chooseFilesToDelete(files: readonly JournalFileFacts[], policy: RetentionPolicy): number[] {
  const oldestFirst = [...files].sort((a, b) => b.index - a.index);
  const toDelete: number[] = [];
  let remaining = files.length;
  for (const file of oldestFirst) {
    if (remaining <= policy.maxFiles || file.index === 0 || policy.nowMs - file.newestAtMs < policy.keepMs) break;
    toDelete.push(file.index);
    remaining -= 1;
  }
  return toDelete;
}
