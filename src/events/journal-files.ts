import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_FILE } from './journal-event.js';

const ROTATED = /^events\.ndjson\.([1-9][0-9]{0,5})$/;

/** A journal file on disk: 0 is events.ndjson, N is events.ndjson.N (N higher is older). */
export interface JournalFile {
  index: number;
  path: string;
  ino: number;
  sizeBytes: number;
  mtimeMs: number;
}

export function journalPath(dir: string, index: number): string {
  return join(dir, index === 0 ? JOURNAL_FILE : `${JOURNAL_FILE}.${index}`);
}

/** The journal's regular files in `dir`, newest first; a link or anything else under those names is not one. */
export function listJournalFiles(dir: string): JournalFile[] {
  const files: JournalFile[] = [];
  for (const name of readdirSync(dir)) {
    const index = name === JOURNAL_FILE ? 0 : Number(ROTATED.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(index)) continue;
    const path = join(dir, name);
    try {
      const stats = lstatSync(path);
      if (stats.isFile()) files.push({ index, path, ino: stats.ino, sizeBytes: stats.size, mtimeMs: stats.mtimeMs });
    } catch {
      // Rotated away between the listing and the look: the reader's second listing notices.
    }
  }
  return files.sort((a, b) => a.index - b.index);
}

/** The journal's files; none while the status dir is gone (removed under the daemon, which makes it again). */
export function listJournalFilesIfPresent(dir: string): JournalFile[] {
  try {
    return listJournalFiles(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
