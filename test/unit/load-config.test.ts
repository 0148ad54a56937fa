import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load-config.js';
import { isClawsupError } from '../../src/errors.js';

const FILE = '/etc/clawsup/clawsup.json5';

function errorOf(text: string): { code: string; message: string } {
  try {
    parseConfigText(text, FILE, '/home/op');
  } catch (error) {
    if (isClawsupError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('parseConfigText', () => {
  it('fills every default from the schema', () => {
    const config = parseConfigText("{ gateway: { command: ['openclaw', 'gateway', 'run'] } }", FILE, '/home/op');
    expect(config.restart).toMatchObject({ failureLimit: 3, failureWindowMs: 300_000, minUptimeMs: 10_000 });
    expect(config.health.hangKillTimeoutMs).toBe(1_000);
  });

  it('expands ~/ and resolves relative paths from the config folder', () => {
    // A user config: one in /etc/clawsup is a system config, where ~/ is refused (system-paths.test.ts).
    const config = parseConfigText(
      "{ gateway: { command: ['x'], cwd: 'work' }, status: { dir: '~/.clawsup/status' }, control: { socket: '/run/c.sock' } }",
      '/home/op/.config/clawsup/clawsup.json5',
      '/home/op',
    );
    expect(config.status.dir).toBe('/home/op/.clawsup/status');
    expect(config.gateway.cwd).toBe('/home/op/.config/clawsup/work');
    expect(config.control.socket).toBe('/run/c.sock');
  });

  it.each([
    ['a syntax error, with line and column', "{\n  gateway: {\n    command: ['x'],,\n  }\n}", 'CLAWSUP_ERR_CONFIG_PARSE', `${FILE}:3:20: not valid JSON5`],
    ['a typo in a key', "{\n  gateway: { command: ['x'] },\n  restart: { failureLimt: 3 },\n}", 'CLAWSUP_ERR_CONFIG_INVALID', `${FILE}:3:14: restart.failureLimt: unknown key`],
    ['a wrong type, with what was found', "{\n  gateway: { command: 'openclaw gateway' },\n}", 'CLAWSUP_ERR_CONFIG_INVALID', `${FILE}:2:23: gateway.command: expected array, found "openclaw gateway"`],
    ['a missing required key', '{ restart: {} }', 'CLAWSUP_ERR_CONFIG_INVALID', 'gateway: expected object, found nothing (the key is missing)'],
    ['a negative delay', "{ gateway: { command: ['x'] }, restart: { initialDelayMs: -5 } }", 'CLAWSUP_ERR_CONFIG_INVALID', 'restart.initialDelayMs: too small'],
    ['an empty command', "{ gateway: { command: [] } }", 'CLAWSUP_ERR_CONFIG_INVALID', 'gateway.command: too small'],
    ['a top-level array', '[1, 2]', 'CLAWSUP_ERR_CONFIG_INVALID', '(top level): expected object, found [1,2]'],
    ['an empty file', '', 'CLAWSUP_ERR_CONFIG_PARSE', 'not valid JSON5'],
    ['a file: health URL', "{\n  gateway: { command: ['x'] },\n  health: { url: 'file:///etc/passwd' },\n}", 'CLAWSUP_ERR_CONFIG_INVALID', `${FILE}:3:18: health.url: expected an http:// or https:// URL, found "file:///etc/passwd"`],
    ['an ftp: startup URL', "{ gateway: { command: ['x'] }, health: { startupUrl: 'ftp://127.0.0.1/startupz' } }", 'CLAWSUP_ERR_CONFIG_INVALID', 'health.startupUrl: expected an http:// or https:// URL'],
    ['a data: ready URL', "{ gateway: { command: ['x'] }, health: { readyUrl: 'data:,ok' } }", 'CLAWSUP_ERR_CONFIG_INVALID', 'health.readyUrl: expected an http:// or https:// URL'],
    ['a backoff ceiling of 0', "{\n  gateway: { command: ['x'] },\n  restart: { initialDelayMs: 0, maxDelayMs: 0 },\n}", 'CLAWSUP_ERR_CONFIG_INVALID', `${FILE}:3:45: restart.maxDelayMs: at least 100 ms, found 0`],
    ['a backoff ceiling under 100 ms', "{ gateway: { command: ['x'] }, restart: { initialDelayMs: 10, maxDelayMs: 99 } }", 'CLAWSUP_ERR_CONFIG_INVALID', 'restart.maxDelayMs: at least 100 ms'],
  ])('refuses %s', (_label, text, code, fragment) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.message).toContain(fragment);
  });

  it.each(['http://127.0.0.1:18789/healthz', 'https://gw.internal/healthz', 'HTTP://[::1]:18789/healthz'])('takes the health URL %s', (url) => {
    expect(parseConfigText(`{ gateway: { command: ['x'] }, health: { url: '${url}' } }`, FILE, '/home/op').health.url).toBe(url);
  });

  it('takes a restart that is immediate the first time, with a 100 ms ceiling', () => {
    const config = parseConfigText("{ gateway: { command: ['x'] }, restart: { initialDelayMs: 0, maxDelayMs: 100 } }", FILE, '/home/op');
    expect(config.restart).toMatchObject({ initialDelayMs: 0, maxDelayMs: 100 });
  });

  it.each([
    { what: 'a token of the wrong type', config: { gateway: { command: ['openclaw'], env: { OPENCLAW_GATEWAY_TOKEN: 98765432101234 } } }, secret: '98765432101234' },
    { what: 'a password in a refused health URL', config: { gateway: { command: ['openclaw'] }, health: { url: 'ftp://admin:hunter2secret@127.0.0.1:18789/healthz' } }, secret: 'hunter2secret' },
  ])('never echoes a secret in its error: $what', ({ config, secret }) => {
    const error = errorOf(JSON.stringify(config));
    expect(error.code).toBe('CLAWSUP_ERR_CONFIG_INVALID');
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain(`${FILE}:1:`);
  });

  it('lists every problem, one per line', () => {
    const error = errorOf("{ gateway: { command: 'x', bogus: 1 }, restart: { multiplier: 'a' } }");
    expect(error.message.split('\n')).toHaveLength(3);
  });

  it('refuses a config nested thousands of levels deep with a located error, not a stack overflow', () => {
    const deepList = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(errorOf(deepList)).toEqual({
      code: 'CLAWSUP_ERR_CONFIG_INVALID',
      message: `${FILE}:1:33: 0.0.0.0.0.0...: nested deeper than 32 levels (a clawsup config needs at most 5)`,
    });
    const deepUnderKey = errorOf(`{ gateway: { command: 'x' },\n  restart: ${'{ a: '.repeat(4000)}1${' }'.repeat(4000)} }`);
    expect(deepUnderKey.code).toBe('CLAWSUP_ERR_CONFIG_INVALID');
    expect(deepUnderKey.message).toMatch(/^\/etc\/clawsup\/clawsup\.json5:2:\d+: restart\.a\.a\.a\.a\.a\.\.\.: nested deeper than 32 levels/);
  });

  it('accepts nesting up to the limit and names an unknown key once', () => {
    const atLimit = `${'['.repeat(31)}${']'.repeat(31)}`;
    const error = errorOf(`{ gateway: { command: ['x'] }, extra: ${atLimit} }`);
    expect(error.message).toBe(`${FILE}:1:32: extra: unknown key (a typo? unknown keys are refused, not ignored)`);
  });
});

describe('the shipped example configs', () => {
  it.each(['packaging/config/demo.json5', 'packaging/config/production.json5'])('%s is valid', (path) => {
    expect(() => loadConfig(new URL(`../../${path}`, import.meta.url).pathname)).not.toThrow();
  });
});
