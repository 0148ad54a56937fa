import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { isClawsupError } from '../../src/errors.js';
import { decideRequest, readBearerToken } from '../../src/http/request-decision.js';
import { DEFAULT_HTTP_PORT, isLoopbackHost, parseListenAddress } from '../../src/http/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9999', { host: '127.0.0.1', port: 9999 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
    ['[::1]:65535', { host: '::1', port: 65535 }],
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['node-1.example.org:8080', { host: 'node-1.example.org', port: 8080 }],
    ['127.0.0.1', { host: '127.0.0.1', port: DEFAULT_HTTP_PORT }],
    ['[::1]', { host: '::1', port: DEFAULT_HTTP_PORT }],
  ])('%s is %j', (text, address) => {
    expect(parseListenAddress(text)).toEqual({ ok: true, address });
  });

  it.each([
    ['127.0.0.1:0', 'a port is 1-65535'],
    ['127.0.0.1:70000', 'a port is 1-65535'],
    ['127.0.0.1:http', 'the port is not a number'],
    ['::1:9999', 'write an IPv6 address in brackets'],
    ['[::1:9999', 'no closing ]'],
    ['[nope]:9999', 'not an IPv6 address'],
    ['http://127.0.0.1:9999', 'not a URL'],
    ['', 'not a host name'],
  ])('%j is refused: %s', (text, why) => {
    const parsed = parseListenAddress(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(why);
    expect(!parsed.ok && parsed.error).toContain('expected "host:port"');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['localhost', true], ['LOCALHOST', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.1', false], ['127.0.0.256', false], ['127.0.0', false], ['example.org', false], ['localhost.example.org', false],
  ])('%s: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('the http and metrics config rules', () => {
  const configText = (http: string, metrics = '{}'): string => `{\n  gateway: { command: ["openclaw"] },\n  http: ${http},\n  metrics: ${metrics},\n}\n`;
  const load = (text: string): unknown => parseConfigText(text, '/etc/clawsup.json5', '/home/x', 'user');
  const errorOf = (text: string): string => {
    try {
      load(text);
    } catch (error) {
      if (isClawsupError(error)) return `${error.code}: ${error.message}`;
      throw error;
    }
    throw new Error('the config was accepted');
  };

  it('leaves the listener and the textfile off by default', () => {
    expect(load('{ gateway: { command: ["openclaw"] } }')).toMatchObject({ http: {}, metrics: { textfileIntervalMs: 15_000 } });
  });

  it.each([
    ['{ listen: "127.0.0.1:9999" }'],
    ['{ listen: "[::1]:9999" }'],
    ['{ listen: "0.0.0.0:9999", tokenFile: "/etc/clawsup/token" }'],
    ['{ listen: "0.0.0.0:9999", tokenFile: "t", tls: { certFile: "c.pem", keyFile: "k.pem" } }'],
  ])('accepts http %s', (http) => {
    expect(() => load(configText(http))).not.toThrow();
  });

  it.each([
    ['{ listen: "0.0.0.0:9999" }', '/etc/clawsup.json5:3:19: http.listen: a listen address other than loopback (127.0.0.1, ::1, localhost) needs http.tokenFile'],
    ['{ listen: "10.1.2.3" }', '/etc/clawsup.json5:3:19: http.listen: a listen address other than loopback'],
    ['{ listen: "127.0.0.1:99999" }', '/etc/clawsup.json5:3:19: http.listen: expected "host:port"'],
    ['{ listen: "127.0.0.1:9999", tls: { certFile: "c.pem" } }', '/etc/clawsup.json5:3:42: http.tls.keyFile: expected string, found nothing'],
    ['{ listen: "127.0.0.1:9999", token: "x" }', 'http.token: unknown key'],
  ])('refuses http %s, saying where', (http, message) => {
    const error = errorOf(configText(http));
    expect(error).toContain('CLAWSUP_ERR_CONFIG_INVALID');
    expect(error).toContain(message);
  });

  it.each([
    ['{ textfile: "/var/lib/node_exporter/textfile/clawsup.txt" }', '/etc/clawsup.json5:4:24: metrics.textfile: expected a file name ending in .prom'],
    ['{ textfile: "x.prom", textfileIntervalMs: 10 }', 'metrics.textfileIntervalMs: at least 1000 ms'],
  ])('refuses metrics %s, saying where', (metrics, message) => {
    expect(errorOf(configText('{}', metrics))).toContain(message);
  });
});

describe('decideRequest', () => {
  const paths = ['/metrics'];
  it.each([
    ['no token configured: served', { method: 'GET', url: '/metrics', token: null }, { action: 'serve', path: '/metrics' }],
    ['a query string is not part of the path', { method: 'GET', url: '/metrics?x=1', token: null }, { action: 'serve', path: '/metrics' }],
    ['HEAD is served', { method: 'HEAD', url: '/metrics', token: 'right' }, { action: 'serve', path: '/metrics' }],
    ['no token sent', { method: 'GET', url: '/metrics', token: 'missing' }, { action: 'refuse', statusCode: 401 }],
    ['a wrong token', { method: 'GET', url: '/metrics', token: 'wrong' }, { action: 'refuse', statusCode: 401 }],
    ['without the token even an unknown path is 401, not 404', { method: 'GET', url: '/nope', token: 'missing' }, { action: 'refuse', statusCode: 401 }],
    ['an unknown path', { method: 'GET', url: '/nope', token: 'right' }, { action: 'refuse', statusCode: 404, message: 'no such path: /nope (this listener serves /metrics)' }],
    ['a write method', { method: 'POST', url: '/metrics', token: null }, { action: 'refuse', statusCode: 405, headers: { allow: 'GET, HEAD' } }],
  ] as const)('%s', (_name, facts, expected) => {
    expect(decideRequest({ ...facts, paths })).toMatchObject(expected);
  });

  it('challenges a request without the right token', () => {
    expect(decideRequest({ method: 'GET', url: '/metrics', token: 'missing', paths })).toMatchObject({ headers: { 'www-authenticate': 'Bearer realm="clawsup"' } });
  });
});

describe('readBearerToken', () => {
  it.each([
    [undefined, null], ['', null], ['Bearer abc', 'abc'], ['bearer abc', 'abc'], ['BEARER  abc ', 'abc'], ['Basic abc', null], ['Bearer', null], ['Bearer a b', null],
  ])('%j: %j', (header, expected) => {
    expect(readBearerToken(header)).toBe(expected);
  });
});
