import { describe, expect, it } from 'vitest';
import { checkRpcOptions } from '../../src/probes/slack/rpc-options.js';

const good = { url: 'ws://127.0.0.1:18789', token: 'T', method: 'health', timeoutMs: 5_000 };

describe('checkRpcOptions', () => {
  it.each([
    ['a ws URL', 'ws://127.0.0.1:18789', 'ws://127.0.0.1:18789/', 'ws://127.0.0.1:18789', { host: '127.0.0.1', port: 18789 }],
    ['an http URL means ws on the same port', 'http://127.0.0.1:18789/healthz', 'ws://127.0.0.1:18789/healthz', 'ws://127.0.0.1:18789', { host: '127.0.0.1', port: 18789 }],
    ['an https URL means wss', 'https://gw.example:8443/', 'wss://gw.example:8443/', 'wss://gw.example:8443', { host: 'gw.example', port: 8443 }],
    ['no port on ws is 80', 'ws://localhost', 'ws://localhost/', 'ws://localhost', { host: 'localhost', port: 80 }],
    ['no port on wss is 443', 'wss://localhost', 'wss://localhost/', 'wss://localhost', { host: 'localhost', port: 443 }],
    ['an IPv6 host loses its brackets for the peer check only', 'ws://[::1]:18789', 'ws://[::1]:18789/', 'ws://[::1]:18789', { host: '::1', port: 18789 }],
    ['userinfo, path and query stay out of the label', 'ws://u:secret@127.0.0.1:1/x?k=v', 'ws://u:secret@127.0.0.1:1/x?k=v', 'ws://127.0.0.1:1', { host: '127.0.0.1', port: 1 }],
  ])('resolves %s', (_label, url, wsUrl, label, socket) => {
    expect(checkRpcOptions({ ...good, url })).toEqual({ target: { wsUrl, label, socket }, timeoutMs: 5_000 });
  });

  it.each([
    ['no token', { token: '' }, 'gateway rpc: a gateway token is required'],
    ['a token that is not a string', { token: undefined as unknown as string }, 'gateway rpc: a gateway token is required'],
    ['no method', { method: '' }, 'gateway rpc: a method is required'],
    ['a zero timeout', { timeoutMs: 0 }, 'gateway rpc: timeoutMs must be a positive number'],
    ['a negative timeout', { timeoutMs: -1 }, 'gateway rpc: timeoutMs must be a positive number'],
    ['an infinite timeout', { timeoutMs: Number.POSITIVE_INFINITY }, 'gateway rpc: timeoutMs must be a positive number'],
    ['a NaN timeout', { timeoutMs: Number.NaN }, 'gateway rpc: timeoutMs must be a positive number'],
    ['text that is not a URL', { url: 'not a url' }, 'gateway rpc: the gateway url is not a valid URL'],
    ['an ftp URL', { url: 'ftp://127.0.0.1:1' }, 'gateway rpc: unsupported url scheme ftp:'],
    ['a file URL', { url: 'file:///tmp/sock' }, 'gateway rpc: unsupported url scheme file:'],
    ['the token is checked before the URL', { token: '', url: 'nope' }, 'gateway rpc: a gateway token is required'],
  ])('refuses %s', (_label, override, error) => {
    expect(checkRpcOptions({ ...good, ...override })).toEqual({ error });
  });
});
