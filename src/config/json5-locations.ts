/** Where each key path starts in a JSON5 text, so schema errors can name a line and column. */
export interface SourceLocation {
  line: number;
  column: number;
}

type PathKey = string | number;

interface Cursor {
  text: string;
  index: number;
  line: number;
  column: number;
}

/** Maps "a.b.0" style paths to the location of their value; best effort, never throws. */
export function locateJson5Paths(text: string): Map<string, SourceLocation> {
  const locations = new Map<string, SourceLocation>();
  const cursor: Cursor = { text, index: 0, line: 1, column: 1 };
  try {
    readValue(cursor, [], locations);
  } catch {
    // The parser reports syntax errors; here we only keep what we could map.
  }
  return locations;
}

export function formatPath(path: readonly PathKey[]): string {
  return path.map(String).join('.');
}

function advance(cursor: Cursor, count = 1): void {
  for (let i = 0; i < count && cursor.index < cursor.text.length; i += 1) {
    if (cursor.text[cursor.index] === '\n') {
      cursor.line += 1;
      cursor.column = 1;
    } else {
      cursor.column += 1;
    }
    cursor.index += 1;
  }
}

function skipBlank(cursor: Cursor): void {
  for (;;) {
    const rest = cursor.text.slice(cursor.index, cursor.index + 2);
    const char = cursor.text[cursor.index];
    if (char !== undefined && /\s/.test(char)) advance(cursor);
    else if (rest === '//') while (cursor.index < cursor.text.length && cursor.text[cursor.index] !== '\n') advance(cursor);
    else if (rest === '/*') {
      advance(cursor, 2);
      while (cursor.index < cursor.text.length && cursor.text.slice(cursor.index, cursor.index + 2) !== '*/') advance(cursor);
      advance(cursor, 2);
    } else return;
  }
}

// Deeper than any config the loader accepts: stop there rather than walk thousands of levels.
const MAX_LOCATED_DEPTH = 64;

function readValue(cursor: Cursor, path: PathKey[], locations: Map<string, SourceLocation>): void {
  if (path.length > MAX_LOCATED_DEPTH) throw new Error('nested too deep to locate');
  skipBlank(cursor);
  locations.set(formatPath(path), { line: cursor.line, column: cursor.column });
  const char = cursor.text[cursor.index];
  if (char === '{') return readObject(cursor, path, locations);
  if (char === '[') return readArray(cursor, path, locations);
  if (char === '"' || char === "'") return void readString(cursor);
  while (cursor.index < cursor.text.length && !/[\s,\]}]/.test(cursor.text[cursor.index] ?? '')) advance(cursor);
}

function readString(cursor: Cursor): string {
  const quote = cursor.text[cursor.index];
  advance(cursor);
  let value = '';
  while (cursor.index < cursor.text.length && cursor.text[cursor.index] !== quote) {
    if (cursor.text[cursor.index] === '\\') advance(cursor);
    value += cursor.text[cursor.index] ?? '';
    advance(cursor);
  }
  advance(cursor);
  return value;
}

function readObject(cursor: Cursor, path: PathKey[], locations: Map<string, SourceLocation>): void {
  advance(cursor);
  for (;;) {
    skipBlank(cursor);
    const char = cursor.text[cursor.index];
    if (char === undefined) throw new Error('unterminated object');
    if (char === '}') return advance(cursor);
    if (char === ',') {
      advance(cursor);
      continue;
    }
    const keyLocation = { line: cursor.line, column: cursor.column };
    let key = '';
    if (char === '"' || char === "'") key = readString(cursor);
    else while (cursor.index < cursor.text.length && /[^\s:]/.test(cursor.text[cursor.index] ?? '')) {
      key += cursor.text[cursor.index];
      advance(cursor);
    }
    skipBlank(cursor);
    if (cursor.text[cursor.index] !== ':') throw new Error('expected colon');
    advance(cursor);
    const childPath = [...path, key];
    locations.set(`${formatPath(childPath)}#key`, keyLocation);
    readValue(cursor, childPath, locations);
  }
}

function readArray(cursor: Cursor, path: PathKey[], locations: Map<string, SourceLocation>): void {
  advance(cursor);
  let index = 0;
  for (;;) {
    skipBlank(cursor);
    const char = cursor.text[cursor.index];
    if (char === undefined) throw new Error('unterminated array');
    if (char === ']') return advance(cursor);
    if (char === ',') {
      advance(cursor);
      continue;
    }
    readValue(cursor, [...path, index], locations);
    index += 1;
  }
}
