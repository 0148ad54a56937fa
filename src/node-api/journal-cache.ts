import { closeSync, openSync, readSync } from 'node:fs';
import type { JournalEvent } from '../events/journal-event.js';
import { parseJournalText } from '../events/journal-event.js';
import { listJournalFilesIfPresent } from '../events/journal-files.js';

export interface JournalCache {
  /** The events of the window before `nowMs`, in seq order, reading only what was appended since the last call. */
  readEvents(nowMs: number): JournalEvent[];
  /** How far back the cache holds events: older ones are read from the files each time (src/events/read-journal.ts). */
  windowMs: number;
}

interface CachedFile {
  sizeBytes: number;
  events: JournalEvent[];
  /** The bytes after the last newline: a line still being written, parsed once its newline comes. */
  pending: Buffer;
}

// A line longer than this is no event the journal writes: dropped rather than held.
const MAX_PENDING_BYTES = 1024 * 1024;
// File times may be coarse: a file last written this close before the window may still hold an event in it.
const MTIME_SLACK_MS = 1_000;

/**
 * The journal for the API, kept parsed between requests: a page refreshing every 5 s must not re-parse up to
 * events.maxBytes × maxFiles on the daemon's loop each time. Files are known by inode, so a rotation (a rename)
 * costs nothing; a file that grew is read from where the last read ended; one that shrank is read again whole. Only
 * the window's events are held, so its memory is that of a day's events, not of the whole journal.
 */
export function createJournalCache(dir: string, windowMs: number): JournalCache {
  let byIno = new Map<number, CachedFile>();
  return {
    windowMs,
    readEvents(nowMs) {
      const sinceMs = nowMs - windowMs;
      const files = listJournalFilesIfPresent(dir).filter((file) => file.mtimeMs + MTIME_SLACK_MS >= sinceMs);
      const next = new Map<number, CachedFile>();
      const events: JournalEvent[] = [];
      // Oldest file first (the highest index): each file's events are in seq order, and so is the whole.
      for (const file of [...files].reverse()) {
        if (next.has(file.ino)) continue;
        const known = byIno.get(file.ino);
        const cached = known !== undefined && known.sizeBytes <= file.sizeBytes ? readAppended(file.path, known, file.sizeBytes) : readAppended(file.path, { sizeBytes: 0, events: [], pending: Buffer.alloc(0) }, file.sizeBytes);
        if (cached === null) continue;
        const kept = dropBefore(cached, sinceMs);
        next.set(file.ino, kept);
        for (const event of kept.events) events.push(event);
      }
      byIno = next;
      return events;
    },
  };
}

/** The file's events with those of the bytes from `known.sizeBytes` to `sizeBytes` added; null when it is gone. */
function readAppended(path: string, known: CachedFile, sizeBytes: number): CachedFile | null {
  if (sizeBytes === known.sizeBytes) return known;
  let chunk: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      chunk = Buffer.alloc(sizeBytes - known.sizeBytes);
      const read = readSync(fd, chunk, 0, chunk.length, known.sizeBytes);
      chunk = chunk.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    // Renamed by a rotation between the listing and the read: what was read of it stands until the next request.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return known.sizeBytes === 0 ? null : known;
    throw error;
  }
  const bytes = known.pending.length === 0 ? chunk : Buffer.concat([known.pending, chunk]);
  // A newline byte is never inside a multi-byte UTF-8 character, so cutting after the last one keeps characters whole.
  const end = bytes.lastIndexOf(0x0a) + 1;
  const parsed = parseJournalText(bytes.subarray(0, end).toString('utf8'));
  const pending = bytes.subarray(end);
  return {
    sizeBytes: known.sizeBytes + chunk.length,
    events: parsed.events.length === 0 ? known.events : [...known.events, ...parsed.events],
    pending: pending.length > MAX_PENDING_BYTES ? Buffer.alloc(0) : Buffer.from(pending),
  };
}

/** The file's events from `sinceMs` on; events are in time order within a file, so the old ones are a prefix. */
function dropBefore(file: CachedFile, sinceMs: number): CachedFile {
  let first = 0;
  while (first < file.events.length && Date.parse((file.events[first] as JournalEvent).at) < sinceMs) first += 1;
  return first === 0 ? file : { ...file, events: file.events.slice(first) };
}
