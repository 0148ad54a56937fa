import type { JournalEvent } from './journal-event.js';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const RELATIVE = /^([0-9]{1,9})(s|m|h|d)$/;

/** `--since`: `2h`, `30m`, `45s`, `7d` back from now, or an ISO 8601 time; null when it is neither. */
export function parseSince(text: string, nowMs: number): number | null {
  const relative = RELATIVE.exec(text);
  if (relative) return nowMs - Number(relative[1]) * (UNIT_MS[relative[2] as string] as number);
  // A bare number is not a time: Date.parse would take "2" for the year 2001.
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(text)) return null;
  const atMs = Date.parse(text);
  return Number.isNaN(atMs) ? null : atMs;
}

export interface EventSelection {
  sinceMs: number | null;
  /** Empty: every type. */
  types: readonly string[];
}

/** `--type a,b --type c`: each given type once, in the order given. */
export function parseTypes(values: readonly string[]): string[] {
  return [...new Set(values.flatMap((value) => value.split(',')).map((type) => type.trim()).filter((type) => type !== ''))];
}

export function isSelected(event: JournalEvent, selection: EventSelection): boolean {
  if (selection.sinceMs !== null && Date.parse(event.at) < selection.sinceMs) return false;
  return selection.types.length === 0 || selection.types.includes(event.type);
}
