import { describe, expect, it } from 'vitest';
import { orderKnownSecrets, redactArgv, redactSecrets } from '../../src/gateway/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['a Slack bot token', 'connecting with xoxb-1234567890-abcdefghij'],
    ['a Slack app token', 'app token xapp-1-A0123-4567-abcdef0123'],
    ['an Anthropic key', 'using sk-ant-api03-abcdefghijklmnopqrstuvwxyz'],
    ['an OpenAI key', 'key=sk-proj-abcdefghijklmnopqrstuvwx'],
    ['a bearer header', 'Authorization: Bearer abc.def.ghi-jkl'],
    ['a token field', '{"token": "s3cr3t-value-here"}'],
    ['a password pair', 'password=hunter2hunter2'],
  ])('hides %s', (_label, line) => {
    const redacted = redactSecrets(line);
    expect(redacted).toContain('[REDACTED]');
    expect(redacted).not.toMatch(/xoxb-1234567890|xapp-1-A0123|sk-ant-api03|sk-proj-abc|abc\.def\.ghi|s3cr3t|hunter2/);
  });

  it('hides a known secret wherever it appears', () => {
    expect(redactSecrets('gateway token is plainword42 ok', ['plainword42'])).toBe('gateway token is [REDACTED] ok');
  });

  it('leaves ordinary lines alone', () => {
    const line = 'slack socket mode connected; 3 channels, uptime 42s';
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('redactArgv', () => {
  it('hides the value of a secret flag, in either form, and leaves the rest', () => {
    expect(redactArgv(['openclaw', 'gateway', 'run', '--token', 'T0ps3cret', '--port', '18789', '--password=hunter22'])).toEqual([
      'openclaw',
      'gateway',
      'run',
      '--token',
      '[REDACTED]',
      '--port',
      '18789',
      '--password=[REDACTED]',
    ]);
  });
});

describe('orderKnownSecrets', () => {
  it('keeps each secret once, longest first, so a secret inside another leaves no tail', () => {
    const ordered = orderKnownSecrets(['abcdef', 'abcdef-and-more', 'abcdef', 'tiny']);
    expect(ordered).toEqual(['abcdef-and-more', 'abcdef']);
    expect(redactSecrets('key abcdef-and-more here', ordered)).toBe('key [REDACTED] here');
  });
});
