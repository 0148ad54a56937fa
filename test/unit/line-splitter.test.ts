import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/gateway/line-splitter.js';

function splitAll(text: string, maxLineChars: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), maxLineChars);
  splitter.push(Buffer.from(text));
  splitter.flush();
  return lines;
}

describe('createLineSplitter', () => {
  it('splits on newlines and drops a CR before them', () => {
    expect(splitAll('one\r\ntwo\nthree', 100)).toEqual(['one', 'two', 'three']);
  });

  it('cuts an endless line at whitespace, so a secret is never split across two lines', () => {
    const secret = 'xoxb-1234567890-abcdefghijklmnop';
    const text = `${'word '.repeat(190)}${secret} tail`;
    const lines = splitAll(text, 970);
    expect(lines.some((line) => line.includes(secret))).toBe(true);
    expect(lines.every((line) => line.length <= 970)).toBe(true);
  });

  it('still bounds a line with no whitespace at all', () => {
    expect(splitAll('x'.repeat(2500), 1000).map((line) => line.length)).toEqual([1000, 1000, 500]);
  });
});
