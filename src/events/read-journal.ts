import { readFileSync } from 'node:fs';
import { parseJournalText, type JournalEvent } from './journal-event.js';
import { listJournalFiles, type JournalFile } from './journal-files.js';

/** A line of a journal file that is not an event: cut short by a crash or a full disk, or damaged. */
export interface SkippedLine {
  path: string;
  line: number;
}

export interface JournalRead {
  events: JournalEvent[];
  skipped: SkippedLine[];
  /** Rotation kept moving the files while they were read: the events may miss some (said, not hidden). */
  isUnsettled: boolean;
}

// Each try costs a read of at most maxFiles files; a journal rotating this often is under a flood anyway.
const MAX_TRIES = 5;
const MTIME_SLACK_MS = 1_000;

/**
 * Every event in the journal's files in seq order, read the same way with the daemon up or down. Rotation renames
 * files under the reader: when the listing after the read differs from the one before, the read starts again.
 */
export function readJournal(dir: string, sinceMs: number | null = null): JournalRead {
  let last: JournalRead = { events: [], skipped: [], isUnsettled: true };
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const before = listJournalFiles(dir);
    // A file last written before `sinceMs` holds nothing newer: not read (a second of slack for coarse mtimes).
    const read = readFiles(sinceMs === null ? before : before.filter((file) => file.mtimeMs + MTIME_SLACK_MS >= sinceMs));
    if (read !== null && isSameListing(before, listJournalFiles(dir))) return { ...read, isUnsettled: false };
    if (read !== null) last = { ...read, isUnsettled: true };
  }
  return last;
}

function readFiles(files: readonly JournalFile[]): Omit<JournalRead, 'isUnsettled'> | null {
  const byKey = new Map<string, JournalEvent>();
  const skipped: SkippedLine[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = parseJournalText(text);
    for (const line of parsed.badLines) skipped.push({ path: file.path, line });
    if (parsed.hasUnfinishedLine) skipped.push({ path: file.path, line: text.split('\n').length });
    // The same file may be read under two names when rotation moved it: one copy of each event.
    for (const event of parsed.events) byKey.set(`${event.seq}|${event.at}|${event.type}`, event);
  }
  const events = [...byKey.values()].sort((a, b) => a.seq - b.seq || Date.parse(a.at) - Date.parse(b.at));
  return { events, skipped };
}

function isSameListing(a: readonly JournalFile[], b: readonly JournalFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file.index === b[i]?.index && file.ino === b[i]?.ino);
}
