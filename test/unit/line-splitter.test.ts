import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/gateway/line-splitter.js';
import { findSecretSpans, redactSecrets, type SecretSpan } from '../../src/gateway/redact.js';

function splitAll(text: string, maxLineChars: number, findSpans?: (text: string) => readonly SecretSpan[]): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), maxLineChars, findSpans);
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

  it('never cuts an endless line inside a known secret, even with no whitespace and the secret split across chunks', () => {
    const secret = 'gwtok-0123456789abcdefghijklmnop';
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), 16 * 1024, (text) => findSecretSpans(text, [secret]));
    splitter.push(Buffer.from('x'.repeat(16 * 1024 - 10) + secret.slice(0, 20)));
    splitter.push(Buffer.from(secret.slice(20) + 'y'.repeat(6_000)));
    expect(lines.length).toBeGreaterThan(0);
    splitter.push(Buffer.from('\n'));
    expect(lines.filter((line) => line.includes(secret.slice(0, 6)) || line.includes(secret.slice(-6))).map((line) => line.includes(secret))).toEqual([true]);
    expect(lines.join('')).toBe('x'.repeat(16 * 1024 - 10) + secret + 'y'.repeat(6_000));
    expect(lines.every((line) => line.length <= 16 * 1024)).toBe(true);
  });

  it('keeps a header and its credential on one line when the whitespace near the limit is inside it', () => {
    const text = `${'x'.repeat(980)} Authorization: Basic dXNlcjpwYXNzd29yZA== ${'y'.repeat(2000)}`;
    const lines = splitAll(text, 1000, (chunk) => findSecretSpans(chunk));
    expect(lines.map((line) => redactSecrets(line)).join('\n')).not.toContain('dXNlcjpw');
    expect(lines.join('')).toBe(text);
  });
});
