// What a terminal acts on: C0 controls but tab and newline, DEL, C1 (an 8-bit CSI or OSC), and the bidi and
// line-separator controls that reorder or split what the operator reads.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = /[\u0000-\u0008\n\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// A \u escape with four hex digits is also a JSON escape, so JSON output stays JSON (and parses to the same string) once escaped.
const toEscape = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text for the terminal: every control character escaped as \u and four hex digits (\u001b), newlines and tabs kept. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, toEscape);
}

/**
 * Any value from a status file or a daemon as one line of text, for a field of a human view: strings with their
 * control characters and newlines escaped (no line of theirs can pass for one of ours), other values as JSON.
 * Never throws, whatever the value (a JSON object with a `toString` key breaks String() and template strings).
 */
export function toOneLine(value: unknown, fallback = '?'): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value.replace(CONTROL_OR_NEWLINE, toEscape);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return json === undefined ? fallback : json.replace(CONTROL_OR_NEWLINE, toEscape);
}

/** A list field (`reasons`) as one line: each item as toOneLine, comma separated; anything else as one value. */
export function toOneLineList(value: unknown, fallback = '?'): string {
  return Array.isArray(value) ? value.map((item) => toOneLine(item, fallback)).join(', ') : toOneLine(value, fallback);
}

/** `an array`, `null`, `a string`...: what a parsed JSON value is, for an error that says what was found. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A JSON object read back from a file, or what was wrong with it. */
export function parseJsonObject(text: string, what: string): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: `not ${what}: ${describeJsonValue(value)}` };
  return { ok: true, value: value as Record<string, unknown> };
}
