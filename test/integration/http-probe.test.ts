import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHttp } from '../../src/probes/http/http-probe.js';
import { freePort } from '../helpers/free-port.js';

let server: Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('probeHttp', () => {
  it('reads a JSON answer with its status code', async () => {
    server = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end('{"ready":false,"failing":["slack"]}');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    const result = await probeHttp(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 2_000 });
    expect(result).toMatchObject({ statusCode: 503, body: { ready: false, failing: ['slack'] }, error: null });
  });

  it('turns a server that never answers into a failed probe at the deadline', async () => {
    server = createServer(() => undefined);
    const port = await freePort();
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    const result = await probeHttp(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 200 });
    expect(result.error).toBe(`GET http://127.0.0.1:${port}/healthz: no answer within 200 ms`);
  });

  it('answers an https URL with a failed probe, never a throw', async () => {
    const port = await freePort();
    const result = await probeHttp(`https://127.0.0.1:${port}/healthz`, { timeoutMs: 1_000 });
    expect(result).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});
