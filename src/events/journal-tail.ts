import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parseJournalText } from './journal-event.js';
import { journalPath } from './journal-files.js';

/** Where the last run left off: its highest seq (from events.ndjson, else the newest rotated file) and a cut-short last line. */
export function recoverTail(dir: string): { lastSeq: number; hasUnfinishedLine: boolean } {
  let hasUnfinishedLine = false;
  for (const index of [0, 1]) {
    const tail = readTail(journalPath(dir, index));
    if (tail === null) continue;
    if (index === 0) hasUnfinishedLine = tail.hasUnfinishedLine;
    if (tail.lastSeq > 0) return { lastSeq: tail.lastSeq, hasUnfinishedLine };
  }
  return { lastSeq: 0, hasUnfinishedLine };
}

// Enough for hundreds of lines: the last whole event is almost always in the first window read.
const TAIL_WINDOW_BYTES = 64 * 1024;

/** The seq of a file's last whole event, read from its end in growing windows (a journal may be large); null when unreadable. */
function readTail(path: string): { lastSeq: number; hasUnfinishedLine: boolean } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const sizeBytes = fstatSync(fd).size;
    let hasUnfinishedLine = false;
    for (let windowBytes = TAIL_WINDOW_BYTES; ; windowBytes *= 4) {
      const start = Math.max(0, sizeBytes - windowBytes);
      const buffer = Buffer.alloc(sizeBytes - start);
      const read = readSync(fd, buffer, 0, buffer.length, start);
      const text = buffer.subarray(0, read).toString('utf8');
      // A window that starts mid-file starts mid-line: that first piece is not a line.
      const parsed = parseJournalText(start === 0 ? text : text.slice(text.indexOf('\n') + 1));
      if (windowBytes === TAIL_WINDOW_BYTES) hasUnfinishedLine = parsed.hasUnfinishedLine;
      const lastSeq = parsed.events.reduce((highest, event) => Math.max(highest, event.seq), 0);
      if (lastSeq > 0 || start === 0) return { lastSeq, hasUnfinishedLine };
    }
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
