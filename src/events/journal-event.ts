/** One line of status.dir/events.ndjson (shared/CONTRACT.md): `seq`, `at` and `type` first, then the event's own fields. */
export interface JournalEvent {
  seq: number;
  at: string;
  type: string;
  [field: string]: unknown;
}

/** What a part hands the journal: the type and its fields; the journal adds `seq` and `at`. */
export type EventFields = Record<string, unknown>;

/** The journal's file in status.dir; rotated copies are `events.ndjson.1` (newest) to `.N` (oldest). */
export const JOURNAL_FILE = 'events.ndjson';

/** However small the size bound, events younger than this are kept: the fleet view draws a day. */
export const JOURNAL_KEEP_MS = 24 * 60 * 60 * 1000;

/** One complete line, `seq`, `at` and `type` first so a reader scanning by eye finds them. */
export function encodeEvent(event: JournalEvent): string {
  const { seq, at, type, ...fields } = event;
  return `${JSON.stringify({ seq, at, type, ...fields })}\n`;
}

/** A journal line as an event, or null when it is not one (a torn line left by a crash, or anything else). */
export function parseEventLine(line: string): JournalEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const event = value as Record<string, unknown>;
  if (!Number.isSafeInteger(event.seq) || (event.seq as number) < 1) return null;
  if (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at))) return null;
  if (typeof event.type !== 'string' || event.type === '') return null;
  return event as JournalEvent;
}

export interface ParsedJournalText {
  events: JournalEvent[];
  /** 1-based numbers of the lines that are not events (torn by a crash, or damaged). */
  badLines: number[];
  /** The text after the last newline: a line still being written, or one a crash cut short. */
  hasUnfinishedLine: boolean;
}

/** A journal file's text as its events, in file order. */
export function parseJournalText(text: string): ParsedJournalText {
  const lines = text.split('\n');
  const unfinished = lines.pop() ?? '';
  const events: JournalEvent[] = [];
  const badLines: number[] = [];
  lines.forEach((line, index) => {
    if (line === '') return;
    const event = parseEventLine(line);
    if (event === null) badLines.push(index + 1);
    else events.push(event);
  });
  return { events, badLines, hasUnfinishedLine: unfinished !== '' };
}
