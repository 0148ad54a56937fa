import { describe, expect, it } from 'vitest';
import { findSecretSpans, orderKnownSecrets, redactArgv, redactSecrets, trackPrivateKeyBlock } from '../../src/gateway/redact.js';

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

  // Each row: a line a gateway may print, and the part of it that must not survive.
  it.each([
    ['a basic auth header', 'curl -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" http://x', 'dXNlcjpwYXNzd29yZA'],
    ['a basic auth header in a JSON dump', '{"headers":{"authorization":"Basic YWRtaW46czNjcmV0"}}', 'YWRtaW46czNjcmV0'],
    ['a database URL with credentials', 'connecting to postgres://admin:pw5ecret@db.internal:5432/app', 'pw5ecret'],
    ['a URL whose user name is a token', 'cloning https://3f1c9a7b2e8d4f60a1b2c3d4e5f60718@git.example.com/repo.git', '3f1c9a7b2e8d'],
    ['a URL with an @ in its password', 'redis://default:p@ssw0rd@cache:6379', 'ssw0rd'],
    ['a URL glued to a long word', `${'x'.repeat(40)}postgres://admin:pw5ecret@db.internal/app`, 'pw5ecret'],
    ['a URL password in a probe detail', 'GET http://probe:hunter9x@127.0.0.1:18789/healthz: ECONNREFUSED', 'hunter9x'],
    ['an AWS secret key', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['an AWS secret key in an env dump', 'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'wJalrXUtnFEMI'],
    ['a secretKey field', '{"secretKey":"abcd1234efgh5678"}', 'abcd1234efgh'],
    ['a Slack refresh token', 'refreshed: xoxe-1-My0xLTIzNDU2Nzg5MC1hYmNkZWY', 'My0xLTIzNDU2'],
    ['a Slack token glued to a word', 'slackTokenxoxb-1234567890-abcdefghij used', 'abcdefghij'],
    ['a bare "key" field', '{"key": "k3y-v4lue-abcdef"}', 'k3y-v4lue'],
    ['a key= query parameter', 'GET https://maps.example.com/geo?key=Zm9vYmFyYmF6cXV4&q=1', 'Zm9vYmFyYmF6'],
    ['a quoted password with spaces', '{"password": "correct horse battery staple"}', 'horse battery'],
    ['a token in JSON inside a JSON string', '"body":"{\\"token\\":\\"abcdefgh1234\\"}"', 'abcdefgh1234'],
    ['a cookie header', 'Cookie: sid=s%3Aabcdef123456; theme=dark', 'abcdef123456'],
    ['a set-cookie header', 'Set-Cookie: session=Zx9abcdef123456; Path=/; HttpOnly', 'Zx9abcdef'],
    ['a cookie in a headers object', "headers: { cookie: 'connect.sid=abcdef123456', host: 'x' }", 'abcdef123456'],
    ['a private key on one line', '{"private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}', 'MIIEvQIBADAN'],
    ['a private key with no end', 'key: -----BEGIN RSA PRIVATE KEY----- MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM', 'MIIEpAIBAAKC'],
    ['an auth pair', 'auth=s3cr3tvalue9', 's3cr3tvalue9'],
    ['a spaced auth pair', 'auth: s3cr3tvalue9', 's3cr3tvalue9'],
    ['an auth field', '{"auth":"s3cr3tvalue9"}', 's3cr3tvalue9'],
    ['an oauth pair', 'oauth=s3cr3tvalue9', 's3cr3tvalue9'],
    ['a JWT', 'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'dozjgNryP4J3'],
  ])('hides %s', (_label, line, hidden) => {
    const redacted = redactSecrets(line);
    expect(redacted).toContain('[REDACTED]');
    expect(redacted).not.toContain(hidden);
  });

  it.each([
    ['a URL without credentials', 'fetching https://api.example.com/v1/models?limit=10 (200 in 35 ms)'],
    ['an scp-style git remote and an e-mail address', 'git@github.com:org/repo.git pushed by alice@example.com'],
    ['the word key in prose', 'the key is missing from the config; press any key to continue'],
    ['a config error naming a key', 'Invalid config: Unrecognized key: "gatewayPort"'],
    ['an ISO date, a pid and a duration', '2026-12-01T05:41:06.123Z pid 4242 started in 1532 ms'],
    ['token counts', 'usage: max_tokens=4096 input_tokens=1200 output_tokens=310'],
    ['an author field', 'author: Jane Doe, authority=local'],
    ['cookies in prose', 'cookies enabled: 3 cookies stored'],
    ['a failed authorization', 'Authorization failed for user alice'],
    ['a hash', 'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['a certificate header', '-----BEGIN CERTIFICATE-----'],
    ['a Basic word', 'Basic setup complete'],
    ['a capability id', 'capability-lost:auth:anthropic:default (profile expired)'],
    ["OpenClaw's session keys", 'agent run started sessionKey=agent:main:slack:channel:c0123 runId=9f2c'],
  ])('leaves %s readable', (_label, line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it.each([
    ['a database URL', 'postgres://admin:pw5ecret@db.internal:5432/app', 'postgres://[REDACTED]@db.internal:5432/app'],
    ['a basic auth header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [REDACTED]'],
    ['an AWS secret key', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG', 'aws_secret_access_key=[REDACTED]'],
    ['a private key on one line', '"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----"', '"-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----"'],
  ])('keeps the context around %s', (_label, line, expected) => {
    expect(redactSecrets(line)).toBe(expected);
  });

  it('is idempotent: a redacted line stays as it is', () => {
    const line = 'Authorization: Basic dXNlcjpwYXNzd29yZA== postgres://a:b@h token=abcdef {"key": "k3y-v4lue"}';
    const once = redactSecrets(line);
    expect(redactSecrets(once)).toBe(once);
  });

  it('hides a known secret wherever it appears', () => {
    expect(redactSecrets('gateway token is plainword42 ok', ['plainword42'])).toBe('gateway token is [REDACTED] ok');
  });

  it('leaves ordinary lines alone', () => {
    const line = 'slack socket mode connected; 3 channels, uptime 42s';
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('known secrets, however printed', () => {
  it.each([
    ['percent-encoded in a URL', 'p@ss/w0rd+x', 'callback https://example.invalid/cb?state=p%40ss%2Fw0rd%2Bx'],
    ['percent-encoded in lower case', 'p@ss/w0rd+x', 'state=p%40ss%2fw0rd%2bx'],
    ['form-encoded', "my w0rd (it's)", 'POST body: user=alice&pass=my+w0rd+%28it%27s%29'],
    ['JSON-escaped', 'quote"back\\slash', 'config {"v":"quote\\"back\\\\slash"}'],
  ])('hides a known secret %s', (_label, secret, line) => {
    const redacted = redactSecrets(line, orderKnownSecrets([secret]));
    expect(redacted).toContain('[REDACTED]');
    expect(redacted).not.toMatch(/w0rd|quote/);
  });
});

describe('findSecretSpans', () => {
  const known = ['gwtok-0123456789abcdef'];
  // A line cut anywhere outside the spans, each piece redacted alone, still hides every secret.
  it.each([
    ['a known secret', `x${'a'.repeat(30)}gwtok-0123456789abcdef${'b'.repeat(30)}`, 'gwtok-0123456789abcdef'],
    ['a Slack token', `aaaa xoxb-1234567890-abcdefghij bbbb`, 'xoxb-1234567890-abcdefghij'],
    ['a bearer header', `say Authorization: Bearer abc.def.ghi-jkl now`, 'abc.def.ghi-jkl'],
    ['a basic header', `-H "Authorization: Basic dXNlcjpwYXNzd29yZA=="`, 'dXNlcjpwYXNzd29yZA=='],
    ['a URL with credentials', `to postgres://admin:pw5ecret@db:5432 ok`, 'pw5ecret'],
    ['a token pair', `{"token": "correct horse battery"}`, 'correct horse battery'],
    ['a cookie', `Cookie: sid=abcdef123456; theme=dark`, 'sid=abcdef123456'],
  ])('lets %s be cut only where no piece shows any of it', (_label, line, secret) => {
    const spans = findSecretSpans(line, known);
    expect(spans.length).toBeGreaterThan(0);
    for (let cut = 1; cut < line.length; cut += 1) {
      if (spans.some((span) => span.start < cut && cut < span.end)) continue;
      const pieces = [redactSecrets(line.slice(0, cut), known), redactSecrets(line.slice(cut), known)];
      for (const piece of pieces) {
        for (let at = 0; at + 6 <= secret.length; at += 1) expect(piece, `cut at ${cut}`).not.toContain(secret.slice(at, at + 6));
      }
    }
  });

  it('finds nothing in an ordinary line, and merges overlapping spans', () => {
    expect(findSecretSpans('2026-12-01T05:41:06Z pid 4242 ready', known)).toEqual([]);
    expect(findSecretSpans('token=gwtok-0123456789abcdef', known)).toEqual([{ start: 0, end: 28 }]);
  });
});

describe('trackPrivateKeyBlock', () => {
  it('hides the body lines of a private key printed over several lines, and stops at its end', () => {
    const printed = [
      'loading key',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
      'Yw==',
      '-----END PRIVATE KEY-----',
      'key loaded',
    ];
    let linesInside = 0;
    const shown = printed.map((line) => {
      const tracked = trackPrivateKeyBlock(line, linesInside);
      linesInside = tracked.linesInside;
      return tracked.line;
    });
    expect(shown).toEqual(['loading key', '-----BEGIN PRIVATE KEY-----', '[REDACTED]', '[REDACTED]', '-----END PRIVATE KEY-----', 'key loaded']);
    expect(linesInside).toBe(0);
  });

  it.each([
    ['a key on one line', '-----BEGIN PRIVATE KEY----- MIIE -----END PRIVATE KEY-----', 0, 0],
    ['a certificate', '-----BEGIN CERTIFICATE-----', 0, 0],
    ['a begin line', '-----BEGIN OPENSSH PRIVATE KEY-----', 0, 1],
    ['a body line', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 3, 4],
    ['a block that never ends', 'more', 128, 0],
  ])('after %s, is %s lines into a block', (_label, line, before, after) => {
    expect(trackPrivateKeyBlock(line, before).linesInside).toBe(after);
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
