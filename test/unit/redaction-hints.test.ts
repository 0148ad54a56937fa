// A chunk's lines skip redaction when they overlap no hint: whatever the chunks, what is logged and kept must be what
// redacting every line on its own gives.
import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/gateway/line-splitter.js';
import { createOutputCapture, type OutputCaptureOptions } from '../../src/gateway/output-capture.js';
import { findRedactionHints, findSecretSpans, orderKnownSecrets, redactSecrets } from '../../src/gateway/redact.js';
import { createRandom } from '../helpers/seeded-random.js';

const KNOWN = orderKnownSecrets(['gwtok-0123456789abcdefghijklmnop', 'p@ss w/ "quotes"', 'multi\nline-secret-value']);

// Lines a gateway prints, with a secret or not; the secret rows come from redact.test.ts.
const LINES = [
  '2026-12-01T05:41:06.123Z pid 4242 started in 1532 ms',
  '-----------xxxxxxxxxxxxxx request served in 3 ms status=200 id=',
  'fetching https://api.example.com/v1/models?limit=10 (200 in 35 ms)',
  'connecting with xoxb-1234567890-abcdefghij',
  'using sk-ant-api03-abcdefghijklmnopqrstuvwxyz',
  'Authorization: Bearer abc.def.ghi-jkl',
  '{"token": "s3cr3t-value-here"}',
  'connecting to postgres://admin:pw5ecret@db.internal:5432/app',
  'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'Cookie: sid=s%3Aabcdef123456; theme=dark',
  'auth: s3cr3tvalue9',
  'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'the gateway token is gwtok-0123456789abcdefghijklmnop ok',
  'percent-encoded p%40ss%20w%2F%20%22quotes%22 in a URL',
  'half of multi',
  'line-secret-value and the rest',
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM',
  'zzQ9Yw==',
  '-----END RSA PRIVATE KEY-----',
  'a line ending in CRLF\r',
  'unicode é 😀 and a tab\t',
  '',
];

function capture(chunks: readonly Buffer[], withHints: boolean): { logged: string[]; tail: readonly string[]; redactCalls: number } {
  const logged: string[] = [];
  let redactCalls = 0;
  const options: OutputCaptureOptions = {
    maxTailLines: 10_000,
    maxTailChars: 1024 * 1024,
    linesPerWindow: 10_000,
    windowMs: 1_000,
    redact: (line) => {
      redactCalls += 1;
      return redactSecrets(line, KNOWN);
    },
    findSecretSpans: (text) => findSecretSpans(text, KNOWN),
    ...(withHints ? { findRedactionHints: (text: string) => findRedactionHints(text, KNOWN) } : {}),
    logLine: (stream, line) => logged.push(`${stream}:${line}`),
    onLine: () => undefined,
    watchFor: () => [],
    logSuppressing: () => undefined,
    logSuppressed: () => undefined,
    nowMs: () => 0,
  };
  const output = createOutputCapture(options);
  for (const chunk of chunks) output.push('stdout', chunk);
  output.finish();
  return { logged, tail: output.getTailLines(), redactCalls };
}

function cutAtRandom(bytes: Buffer, random: () => number, maxChunkBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxChunkBytes);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('findRedactionHints', () => {
  it('finds nothing in plain lines', () => {
    expect(findRedactionHints('request served in 3 ms status=200\nGET /healthz 200\n', KNOWN)).toEqual([]);
  });

  it.each([
    ['a quick-check word', 'a\nconnecting with xoxb-1234567890-abcdefghij\nb', 'xox'],
    ['a private key BEGIN line (KEY)', 'a\n-----BEGIN RSA PRIVATE KEY-----\n', 'KEY'],
    ['a known secret', 'a gwtok-0123456789abcdefghijklmnop b', 'gwtok-0123456789abcdefghijklmnop'],
    ['a URL with credentials', 'to postgres://admin:pw@db', '://admin:pw@'],
  ])('covers %s', (_label, text, covered) => {
    const start = text.indexOf(covered);
    const hints = findRedactionHints(text, KNOWN);
    expect(hints.some((hint) => hint.start <= start && hint.end >= start + covered.length)).toBe(true);
  });

  it('merges overlapping hints into one, in order', () => {
    expect(findRedactionHints('token secret tokensecret', [])).toEqual([
      { start: 0, end: 5 },
      { start: 6, end: 12 },
      { start: 13, end: 24 },
    ]);
  });
});

describe('output capture with redaction hints', () => {
  it('redacts only the lines of a chunk that overlap a hint', () => {
    const plain = Array.from({ length: 100 }, (_, i) => `request ${i} served in 3 ms status=200`);
    const text = [...plain.slice(0, 50), 'connecting with xoxb-1234567890-abcdefghij', ...plain.slice(50), ''].join('\n');
    const withHints = capture([Buffer.from(text)], true);
    expect(withHints.redactCalls).toBe(1);
    expect(withHints.logged[50]).toBe('stdout:connecting with [REDACTED]');
    expect(withHints.logged).toEqual(capture([Buffer.from(text)], false).logged);
  });

  it('hides every line of a private key block even when its body lines hold no hint', () => {
    const { logged } = capture([Buffer.from('-----BEGIN RSA PRIVATE KEY-----\n'), Buffer.from('MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM\nzzQ9Yw==\n-----END RSA PRIVATE KEY-----\nafter\n')], true);
    expect(logged).toEqual(['stdout:-----BEGIN RSA PRIVATE KEY-----', 'stdout:[REDACTED]', 'stdout:[REDACTED]', 'stdout:-----END RSA PRIVATE KEY-----', 'stdout:after']);
  });

  it('scans a long line arriving in small pieces once, when it ends, not at every piece', () => {
    const scanned: number[] = [];
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), undefined, undefined, (text) => {
      scanned.push(text.length);
      return findRedactionHints(text, KNOWN);
    });
    for (let i = 0; i < 100; i += 1) splitter.push(Buffer.from('y'.repeat(100)));
    splitter.push(Buffer.from(' token=abcdefgh\n'));
    expect(scanned).toEqual([10_016]);
    expect(lines).toEqual([`${'y'.repeat(10_000)} token=abcdefgh`]);
  });

  // Replay a failure with CLAWSUP_FUZZ_SEED.
  const seed = Number(process.env.CLAWSUP_FUZZ_SEED ?? Date.now() % 2 ** 31);
  it(`logs and keeps what per-line redaction gives, for random lines in random chunks (seed ${seed})`, () => {
    const random = createRandom(seed);
    for (let round = 0; round < 60; round += 1) {
      const count = 1 + Math.floor(random() * 80);
      const lines = Array.from({ length: count }, () => LINES[Math.floor(random() * LINES.length)] as string);
      const bytes = Buffer.from(`${lines.join('\n')}${random() < 0.5 ? '\n' : ''}`);
      const chunks = cutAtRandom(bytes, random, random() < 0.3 ? 16 : 4_000);
      const expected = capture(chunks, false);
      const actual = capture(chunks, true);
      expect(actual.logged).toEqual(expected.logged);
      expect(actual.tail).toEqual(expected.tail);
      for (const shown of actual.logged) expect(shown).not.toMatch(/xoxb-1234567890|sk-ant-api03|s3cr3t|pw5ecret|wJalrXUtnFEMI|gwtok-0123/);
    }
  });
});
