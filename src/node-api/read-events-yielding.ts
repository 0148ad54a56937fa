import { open } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { JournalEvent } from '../events/journal-event.js';
import { parseJournalText } from '../events/journal-event.js';
import { listJournalFilesIfPresent, type JournalFile } from '../events/journal-files.js';
import { selectRecentEvents, type RecentEvents } from './node-view.js';

// One slice of parsing between two turns of the daemon's loop: a few milliseconds, whatever the journal's size.
const CHUNK_BYTES = 256 * 1024;
// A line longer than this is no event the journal writes: dropped rather than held.
const MAX_LINE_BYTES = 1024 * 1024;
const MAX_TRIES = 5;
const MTIME_SLACK_MS = 1_000;

/**
 * The newest `limit` events since `sinceMs`, read from the journal's files the way readJournal reads them (a listing
 * that changed under the read starts it again), but in slices with a turn of the loop between them: a week of a large
 * journal must not hold the supervisor's timers, probes and restarts for the half second a whole parse takes. Only
 * about 2 × limit events are held at once.
 */
export async function readRecentEventsYielding(dir: string, sinceMs: number, limit: number): Promise<RecentEvents> {
  let last: RecentEvents = { events: [], omitted: 0 };
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const before = listJournalFilesIfPresent(dir);
    const read = await readFiles(before.filter((file) => file.mtimeMs + MTIME_SLACK_MS >= sinceMs), sinceMs, limit);
    if (read !== null) last = read;
    if (read !== null && isSameListing(before, listJournalFilesIfPresent(dir))) return read;
  }
  return last;
}

async function readFiles(newestFirst: readonly JournalFile[], sinceMs: number, limit: number): Promise<RecentEvents | null> {
  // Oldest file first, so the map's order is the journal's order and the oldest are the ones to drop.
  const byKey = new Map<string, JournalEvent>();
  let dropped = 0;
  const add = (event: JournalEvent): void => {
    if (Date.parse(event.at) < sinceMs) return;
    byKey.set(`${event.seq}|${event.at}|${event.type}`, event);
    if (byKey.size <= 2 * limit) return;
    for (const key of byKey.keys()) {
      if (byKey.size <= limit) break;
      byKey.delete(key);
      dropped += 1;
    }
  };
  for (const file of [...newestFirst].reverse()) {
    const isRead = await readFileInSlices(file.path, add);
    if (!isRead) return null;
  }
  const events = [...byKey.values()].sort((a, b) => a.seq - b.seq || Date.parse(a.at) - Date.parse(b.at));
  const recent = selectRecentEvents(events, sinceMs, limit);
  return { events: recent.events, omitted: recent.omitted + dropped };
}

/** False when the file is gone (renamed by a rotation): the caller reads again. */
async function readFileInSlices(path: string, add: (event: JournalEvent) => void): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    let pending = Buffer.alloc(0);
    const chunk = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const bytes = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      // A newline byte is never inside a multi-byte UTF-8 character, so cutting after the last one keeps characters whole.
      const end = bytes.lastIndexOf(0x0a) + 1;
      for (const event of parseJournalText(bytes.subarray(0, end).toString('utf8')).events) add(event);
      pending = bytes.length - end > MAX_LINE_BYTES ? Buffer.alloc(0) : Buffer.from(bytes.subarray(end));
      await yieldToLoop();
    }
    return true;
  } finally {
    await handle.close();
  }
}

function isSameListing(a: readonly JournalFile[], b: readonly JournalFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file.index === b[i]?.index && file.ino === b[i]?.ino);
}
