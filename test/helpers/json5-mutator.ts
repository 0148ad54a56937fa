// Fragments that matter to a JSON5 parser and to the schema behind it.
const TOKENS = [
  '{', '}', '[', ']', ':', ',', '"', "'", '`', '\\', '/*', '*/', '//', '\n', '\r\n', '\u2028', '\uFEFF', '\0', ' ',
  'null', 'true', 'false', 'Infinity', '-Infinity', 'NaN', '0x1F', '-0', '1e400', '9007199254740993', '.5', '+1', '1_000',
  '__proto__', 'constructor', 'prototype', '"\\u0000"', '"\\ud800"', '😀', 'é', '~/', '../../etc/passwd', '${HOME}',
  'gateway', 'command', 'restart', 'health', 'status', 'dir', 'skills', 'control', 'socket', 'log', 'level', 'env',
  '"x"', "'y'", '[]', '{}', '[[[[[[[[', ']]]]]]]]', '-1', '0', '3.7', '"http://127.0.0.1:1/healthz"', '"ftp://x"',
];

/** One mutated copy of `text`: a few random edits (insert, delete, duplicate, replace, nest deeply, truncate). */
export function mutateJson5(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const at = (source: string): number => Math.floor(random() * (source.length + 1));
  let result = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let edit = 0; edit < edits; edit += 1) {
    const position = at(result);
    const kind = Math.floor(random() * 8);
    if (kind === 0) result = result.slice(0, position) + pick(TOKENS) + result.slice(position);
    else if (kind === 1) result = result.slice(0, position) + result.slice(position + 1 + Math.floor(random() * 12));
    else if (kind === 2) {
      const end = Math.min(result.length, position + Math.floor(random() * 40));
      result = result.slice(0, end) + result.slice(position, end) + result.slice(end);
    } else if (kind === 3) result = result.slice(0, position) + pick(TOKENS) + result.slice(position + Math.floor(random() * 6));
    else if (kind === 4 && random() < 0.1) {
      const depth = 1 + Math.floor(random() * 20_000);
      result = `${result.slice(0, position)}${'['.repeat(depth)}${']'.repeat(random() < 0.5 ? depth : 0)}${result.slice(position)}`;
    } else if (kind === 5 && random() < 0.2) result = result.slice(0, position);
    else if (kind === 6) {
      const code = Math.floor(random() * 0x110000);
      const char = code >= 0xd800 && code <= 0xdfff ? '\ufffd' : String.fromCodePoint(code);
      result = result.slice(0, position) + char + result.slice(position);
    } else result = result.replace(/\d+/, () => pick(['-5', '0', '1e309', '"10"', 'null', '[]', '2.5', '99999999999999999999']));
  }
  return result;
}
