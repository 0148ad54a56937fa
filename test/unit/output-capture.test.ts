import { describe, expect, it } from 'vitest';
import { createOutputCapture, type OutputCaptureOptions } from '../../src/gateway/output-capture.js';
import { findSecretSpans, redactSecrets } from '../../src/gateway/redact.js';
import { createRandom } from '../helpers/seeded-random.js';

function makeCapture(overrides: Partial<OutputCaptureOptions> = {}) {
  const logged: string[] = [];
  const events: string[] = [];
  const seen: string[] = [];
  let nowMs = 0;
  const capture = createOutputCapture({
    maxTailLines: 5,
    maxTailChars: 1_000,
    linesPerWindow: 3,
    windowMs: 1_000,
    redact: (line) => line.replace('xoxb-secret', '[REDACTED]'),
    findSecretSpans: () => [],
    logLine: (stream, line) => logged.push(`${stream}:${line}`),
    logSuppressing: (stream) => events.push(`suppressing ${stream}`),
    logSuppressed: (stream, bytes) => events.push(`suppressed ${stream} ${bytes}`),
    nowMs: () => nowMs,
    onLine: (stream, line) => seen.push(`${stream}:${line}`),
    watchFor: () => ['slack socket'],
    ...overrides,
  });
  return { capture, logged, events, seen, advance: (ms: number) => (nowMs += ms) };
}

const lines = (from: number, to: number): Buffer =>
  Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join(''));

describe('gateway output capture', () => {
  it('logs lines up to the budget of each stream, keeps every line in the tail, and says what it held back', () => {
    const { capture, logged, events, advance } = makeCapture();
    capture.push('stdout', Buffer.from('a xoxb-secret\nb\n'));
    capture.push('stdout', lines(1, 10));
    capture.push('stderr', Buffer.from('c\nd\n'));
    expect(logged).toEqual(['stdout:a [REDACTED]', 'stdout:b', 'stdout:line 1', 'stderr:c', 'stderr:d']);
    expect(events).toEqual(['suppressing stdout']);
    expect(capture.getTailLines()).toEqual(['line 8', 'line 9', 'line 10', 'c', 'd']);
    capture.push('stdout', lines(11, 11));
    advance(1_000);
    capture.push('stdout', Buffer.from('after\n'));
    expect(events).toEqual(['suppressing stdout', `suppressed stdout ${lines(2, 11).length}`]);
    expect(logged.at(-1)).toBe('stdout:after');
  });

  it('rebuilds the tail from held-back chunks, dropping the fragment left by evicted ones', () => {
    const { capture } = makeCapture({ linesPerWindow: 1, maxTailChars: 100, maxTailLines: 100 });
    capture.push('stdout', Buffer.from('first\n'));
    capture.push('stdout', Buffer.from('over budget\n'));
    for (let i = 0; i < 20; i += 1) capture.push('stdout', Buffer.from(`${'x'.repeat(i)}-end ${i}\nstart ${i} `));
    const tail = capture.getTailLines();
    expect(tail.at(-1)).toBe('start 18 ' + 'x'.repeat(19) + '-end 19');
    expect(tail.every((line) => line.includes('end') || line === 'first' || line === 'over budget')).toBe(true);
  });

  it('keeps the last partial line when the gateway ends', () => {
    const { capture, logged } = makeCapture();
    capture.push('stderr', Buffer.from('Error: boom\n    at main (/app.js:1:1)'));
    capture.finish();
    expect(capture.getTailLines()).toEqual(['Error: boom', '    at main (/app.js:1:1)']);
    expect(logged).toEqual(['stderr:Error: boom', 'stderr:    at main (/app.js:1:1)']);
  });

  it('passes every line to readers, and past the budget still the lines holding a watched text', () => {
    const { capture, seen } = makeCapture({ linesPerWindow: 1 });
    capture.push('stdout', Buffer.from('one\ntwo\n'));
    capture.push('stdout', Buffer.from('noise\n[slack] slack socket mode connected xoxb-secret\r\nnoise\nslack socket disconnected (x)'));
    expect(seen).toEqual(['stdout:one', 'stdout:two', 'stdout:[slack] slack socket mode connected [REDACTED]', 'stdout:slack socket disconnected (x)']);
  });

  it('hides a known secret in a line over 16 KiB with no whitespace, cut where the secret straddles two chunks', () => {
    const secret = 'gwtok-0123456789abcdefghijklmnop';
    const { capture, logged } = makeCapture({
      maxTailChars: 64 * 1024,
      linesPerWindow: 100,
      redact: (line) => redactSecrets(line, [secret]),
      findSecretSpans: (text) => findSecretSpans(text, [secret]),
    });
    capture.push('stdout', Buffer.from('x'.repeat(16 * 1024 - 10) + secret.slice(0, 20)));
    capture.push('stdout', Buffer.from(secret.slice(20) + 'y'.repeat(6_000)));
    capture.push('stdout', Buffer.from('\ndone\n'));
    for (const shown of [logged.join('\n'), capture.getTailLines().join('\n')]) {
      expect(shown).toContain('[REDACTED]');
      expect(shown).not.toContain(secret.slice(0, 10));
      expect(shown).not.toContain(secret.slice(-10));
    }
    expect(logged.at(-1)).toBe('stdout:done');
  });

  it('hides the body of a private key printed over several lines, on its own stream only', () => {
    const { capture, logged } = makeCapture({ linesPerWindow: 100, maxTailLines: 100, redact: (line) => redactSecrets(line) });
    capture.push('stderr', Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM\n'));
    capture.push('stdout', Buffer.from('stdout goes on\n'));
    capture.push('stderr', Buffer.from('zzQ9Yw==\n-----END RSA PRIVATE KEY-----\nafter the key\n'));
    expect(logged).toEqual([
      'stderr:-----BEGIN RSA PRIVATE KEY-----',
      'stderr:[REDACTED]',
      'stdout:stdout goes on',
      'stderr:[REDACTED]',
      'stderr:-----END RSA PRIVATE KEY-----',
      'stderr:after the key',
    ]);
  });

  // Replay a failure with CLAWSUP_FUZZ_SEED.
  const seed = Number(process.env.CLAWSUP_FUZZ_SEED ?? Date.now() % 2 ** 31);
  it(`hides secrets placed around the 16 KiB cut of whitespace-poor lines in random chunks (seed ${seed})`, () => {
    const random = createRandom(seed);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const known = 'gwtok-0123456789abcdefghijklmnop';
    // Each shape: what is printed, and the part of it that must never show.
    const shapes: ReadonlyArray<readonly [string, string]> = [
      [known, known],
      ['xoxb-1234567890-QwErTyUiOpAsDf', '1234567890-QwErTyUiOpAsDf'],
      ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
      ['postgres://admin:pw5ecretPW5ECRET@db:5432', 'admin:pw5ecretPW5ECRET'],
      ['"password": "correct horse battery staple"', 'correct horse battery staple'],
      ['aws_secret_access_key=wJalrXUtnFEMIK7MDENGbPxRfiCY', 'wJalrXUtnFEMIK7MDENGbPxRfiCY'],
    ];
    let spaceRate = 0;
    const filler = (length: number): string =>
      Array.from({ length }, () => (random() < spaceRate ? ' ' : pick(['a', 'b', 'Z', '0', '9', '.', '/', '-', 'q']))).join('');
    for (let round = 0; round < 40; round += 1) {
      // None, a few, or many spaces near the limit: the cut falls inside a run, at a space inside a secret, or between.
      spaceRate = pick([0, 0.001, 0.02]);
      const placed = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(shapes));
      let line = filler(16 * 1024 - 60 + Math.floor(random() * 40));
      for (const [printed] of placed) line += ` ${printed} ${filler(Math.floor(random() * 30))}`;
      line += filler(Math.floor(random() * 9_000));
      const { capture, logged } = makeCapture({
        maxTailChars: 256 * 1024,
        linesPerWindow: 1_000,
        redact: (text) => redactSecrets(text, [known]),
        findSecretSpans: (text) => findSecretSpans(text, [known]),
      });
      const bytes = Buffer.from(`${line}\n`);
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 12_000);
        capture.push('stdout', bytes.subarray(at, at + size));
        at += size;
      }
      capture.finish();
      const shown = logged.join('\n');
      for (const [, hidden] of placed) {
        for (let at = 0; at + 8 <= hidden.length; at += 4) expect(shown, `round ${round}`).not.toContain(hidden.slice(at, at + 8));
      }
    }
  });
});
