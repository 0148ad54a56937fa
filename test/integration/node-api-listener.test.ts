import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRoute } from '../../src/http/http-route.js';
import { startHttpListener, type HttpListener } from '../../src/http/http-server.js';

const listeners: HttpListener[] = [];

afterEach(async () => {
  for (const listener of listeners.splice(0)) await listener.close();
});

/** A logger whose records the test reads back as objects. */
function sinkLogger(): { log: pino.Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, stream), records };
}

async function start(routes: HttpRoute[], token: string | null = null): Promise<{ port: number; records: Array<Record<string, unknown>> }> {
  const { log, records } = sinkLogger();
  const listener = await startHttpListener({
    address: { host: '127.0.0.1', port: 0 },
    secrets: { token, tls: null },
    routes,
    log,
    listenSetAt: 'test',
    tlsSetAt: 'test',
    sessionTtlMs: 60_000,
  });
  listeners.push(listener);
  return { port: listener.address.port, records };
}

describe('the http listener when a route fails', () => {
  it('answers 500 for a route that throws at once or rejects later, logs it, and goes on serving', async () => {
    const { port, records } = await start([
      { path: '/throws', handle: () => { throw new Error("EACCES: the journal cannot be read"); } },
      { path: '/rejects', handle: async () => { throw new Error('later'); } },
      { path: '/fine', handle: (_request, response) => void response.end('ok') },
    ]);
    for (const path of ['/throws', '/rejects']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(response.status, path).toBe(500);
      expect(await response.text()).toBe('internal error: see the clawsupd log\n');
    }
    expect(await (await fetch(`http://127.0.0.1:${port}/fine`)).text()).toBe('ok');
    expect(records.filter((record) => record.level === 'error').map((record) => record.msg)).toEqual(['http route failed', 'http route failed']);
  });

  it('logs neither a right nor a wrong ?token=, nor the query around it', async () => {
    const { port, records } = await start([{ path: '/', handle: (_request, response) => void response.end('page') }], 'right-token-123456');
    expect((await fetch(`http://127.0.0.1:${port}/?token=wrong-token-98765&other=1`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/?token=right-token-123456`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`http://127.0.0.1:${port}/nope?token=right-token-123456`)).status).toBe(404);
    const text = JSON.stringify(records);
    for (const secret of ['wrong-token-98765', 'right-token-123456', 'other=1']) expect(text).not.toContain(secret);
    expect(records.map((record) => record.msg)).toEqual(expect.arrayContaining(['http request with a wrong token refused', 'http browser signed in with the token', 'http request refused']));
  });
});
