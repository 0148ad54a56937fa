import { toOneLine } from '../cli/terminal-text.js';
import type { JournalEvent } from './journal-event.js';

const TYPE_WIDTH = 20;

/** One event as one line of `clawctl events`: time, seq, type, then its fields as key=value, each escaped for the terminal. */
export function formatEventLine(event: JournalEvent): string {
  const { seq, at, type, ...fields } = event;
  const details = Object.entries(fields).map(([key, value]) => `${toOneLine(key)}=${toOneLine(value, 'null')}`);
  return [toOneLine(at), `#${seq}`.padEnd(7), toOneLine(type).padEnd(TYPE_WIDTH), ...details].join('  ').trimEnd();
}

/** `--json`: the event as it is in the file, one object a line. */
export function formatEventJson(event: JournalEvent): string {
  return JSON.stringify(event);
}
