import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHttp } from '../../src/probes/http/http-probe.js';

// Raw TCP servers: each test decides the bytes of the answer, how connections end, and counts what arrives.
let server: Server | null = null;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

interface Seen {
  connections: number;
  requests: string[];
}

/** Serves each request (ended by an empty line) with `answer(index, socket)`; returns the URL and what it saw. */
async function serve(answer: (index: number, socket: Socket) => void): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { connections: 0, requests: [] };
  server = createServer((socket) => {
    seen.connections += 1;
    sockets.add(socket);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        seen.requests.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 4);
        answer(seen.requests.length - 1, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/readyz?probe=1`, seen };
}

const json = (status: string, body: string, extra = ''): string => `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('probeHttp on plain http', () => {
  it('asks GET with the path and Host, and keeps one connection for probe after probe', async () => {
    const { url, seen } = await serve((_i, socket) => socket.write(json('200 OK', '{"ready":true}')));
    for (let round = 0; round < 3; round++) {
      expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: { ready: true }, error: null });
    }
    expect(seen.connections).toBe(1);
    expect(seen.requests[0]).toBe(`GET /readyz?probe=1 HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: keep-alive`);
  });

  it('reads a chunked answer split across writes', async () => {
    const { url } = await serve((_i, socket) => {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"rea');
      setTimeout(() => socket.write('\r\na\r\ndy":false}\r\n0\r\n\r\n'), 20);
    });
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 503, body: { ready: false }, error: null });
  });

  it('asks again on a new connection when the kept one was closed as it was reused (keep-alive timeout race)', async () => {
    // The second request arrives on a connection the server has given up: it is closed without an answer.
    const { url, seen } = await serve((index, socket) => (index === 1 ? socket.destroy() : socket.write(json('200 OK', '{"ok":true}'))));
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200 });
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: { ok: true }, error: null });
    expect(seen).toMatchObject({ connections: 2, requests: [expect.any(String), expect.any(String), expect.any(String)] });
  });

  it('opens a new connection after an answer that said Connection: close', async () => {
    const { url, seen } = await serve((_i, socket) => socket.end(json('200 OK', '{"ok":true}', 'Connection: close\r\n')));
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: { ok: true } });
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: { ok: true } });
    expect(seen.connections).toBe(2);
  });

  it('reads an unframed answer to the end of the connection', async () => {
    const { url } = await serve((_i, socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n{"ok":true}'));
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: { ok: true }, error: null });
  });

  it('fails a connection closed before any answer with ECONNRESET, as node:http did', async () => {
    const { url } = await serve((_i, socket) => socket.destroy());
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: null, error: `GET ${url}: ECONNRESET`, errorCode: 'ECONNRESET' });
  });

  it('fails a refused connection with ECONNREFUSED (the never-answered verdict reads that code)', async () => {
    const { url } = await serve(() => undefined);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = null;
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: null, error: `GET ${url}: ECONNREFUSED`, errorCode: 'ECONNREFUSED' });
  });

  it('fails a garbled answer by name and does not reuse its connection', async () => {
    const { url, seen } = await serve((index, socket) => socket.write(index === 0 ? 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n' : json('200 OK', '{}')));
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: null, error: `GET ${url}: malformed HTTP header line: "broken"` });
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: {} });
    expect(seen.connections).toBe(2);
  });

  it('keeps the status of an answer too big to read, without its body', async () => {
    const { url } = await serve((_i, socket) => socket.write(json('200 OK', `"${'x'.repeat(70 * 1024)}"`)));
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200, body: null, error: null });
  });

  it('fails at the deadline when the answer stops half-way, and then asks on a fresh connection', async () => {
    const { url, seen } = await serve((index, socket) => socket.write(index === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{' : json('200 OK', '{}')));
    expect(await probeHttp(url, { timeoutMs: 300 })).toMatchObject({ statusCode: null, error: `GET ${url}: no answer within 300 ms` });
    expect(await probeHttp(url, { timeoutMs: 2_000 })).toMatchObject({ statusCode: 200 });
    expect(seen.connections).toBe(2);
  });

  it('sends nothing to a connection served by another process, and asks the peer check at each reuse', async () => {
    const { url, seen } = await serve((_i, socket) => socket.write(json('200 OK', '{}')));
    const holder = { endpoint: new URL(url).host, pid: 4242, command: 'impostor' };
    let checks = 0;
    expect(await probeHttp(url, { timeoutMs: 2_000, checkPeer: () => (checks++, null) })).toMatchObject({ statusCode: 200 });
    expect(await probeHttp(url, { timeoutMs: 2_000, checkPeer: () => (checks++, null) })).toMatchObject({ statusCode: 200 });
    expect(checks).toBe(2);
    expect(await probeHttp(url, { timeoutMs: 2_000, checkPeer: () => holder })).toMatchObject({ statusCode: null, error: null, heldBy: holder });
    expect(seen.requests).toHaveLength(2);
    expect(await probeHttp(url, { timeoutMs: 2_000, checkPeer: () => { throw new Error('no /proc'); } })).toMatchObject({ error: `GET ${url}: cannot tell who serves the connection: no /proc` });
    expect(seen.requests).toHaveLength(2);
  });
});
