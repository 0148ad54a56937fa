import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpListener, type HttpListener } from '../../src/http/http-server.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { writeToken } from '../helpers/http-token.js';

// Faults and attacks on the node API as a local user or a LAN client would try them, on a real clawsupd.
const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };
const TOKEN = 'faults-Secret-8d2e61b0';
const temps: Array<{ remove(): void }> = [];
const sockets: Socket[] = [];
const listeners: HttpListener[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const listener of listeners.splice(0)) await listener.close();
  await cleanupDaemons();
  for (const temp of temps.splice(0)) temp.remove();
});

function tempDir(): string {
  const temp = makeTempDir();
  temps.push(temp);
  return temp.path;
}

interface Answer {
  status: number;
  text: string;
  headers: IncomingHttpHeaders;
}

/** A GET from a chosen source address (127.0.0.2 is loopback too, and another address to the kernel). */
function get(host: string, port: number, path: string, options: { headers?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host, port, path, headers: options.headers, localAddress: options.localAddress, agent: false, timeout: options.timeoutMs ?? 10_000 }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => void (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: response.headers }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${host}:${port}${path} in ${options.timeoutMs ?? 10_000} ms`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A non-loopback IPv4 address of this machine, to reach a 0.0.0.0 listener the way a LAN client does. */
function lanAddress(): string | undefined {
  for (const entries of Object.values(networkInterfaces())) for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  return undefined;
}

async function startNode(http: Record<string, unknown>, dir?: string): Promise<{ daemon: Daemon; port: number }> {
  const port = await freePort();
  const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, ...http } }, dir });
  await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
  await waitFor('the listener', async () => (await get('127.0.0.1', port, '/api/v1/status')).status !== 0);
  return { daemon, port };
}

describe('the node API under attack', () => {
  it.skipIf(lanAddress() === undefined)('keeps needing the token on a LAN bind when a reload drops http.tokenFile (the bind changes only at restart)', async () => {
    const port = await freePort();
    const tokenFile = writeToken(tempDir(), TOKEN);
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `0.0.0.0:${port}`, tokenFile } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    const lan = lanAddress() as string;
    await waitFor('the listener', async () => (await get(lan, port, '/api/v1/status')).status === 401);
    // The operator moves the listener to loopback and drops the token: valid, but the socket stays on 0.0.0.0 until a restart.
    writeFileSync(daemon.configPath, JSON.stringify({ gateway: forever, status: { dir: daemon.statusDir }, control: { socket: daemon.socketPath }, health: { enabled: false }, http: { listen: `127.0.0.1:${port}` } }));
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog('the reload seen by the listener', (record) => record.msg === 'http.listen or http.tls changed: it takes effect when clawsupd restarts');
    const fromLan = await get(lan, port, '/api/v1/status', { headers: { host: `127.0.0.1:${port}` } });
    expect(fromLan.status).toBe(401);
    expect(fromLan.text).not.toContain('"mode"');
    expect((await get(lan, port, '/api/v1/status', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    await daemon.waitForLog('the refusal logged', (record) => record.msg === 'http.tokenFile removed while the listener is bound to a non-loopback address: keeping the token until clawsupd restarts');
    await daemon.stop();
  });

  it('slows down wrong tokens from the whole loopback range as one address: 127.0.0.2, .3 ... start from nothing no more', async () => {
    const tokenFile = writeToken(tempDir(), TOKEN);
    const { daemon, port } = await startNode({ tokenFile });
    for (let i = 1; i <= 5; i += 1) {
      // X-Forwarded-For is the client's word, not its address: it changes nothing.
      const answer = await get('127.0.0.1', port, '/api/v1/status', { headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': `203.0.113.${i}` }, localAddress: `127.0.0.${i + 1}` });
      expect(answer.status, `guess ${i}`).toBe(401);
    }
    const sixth = await get('127.0.0.1', port, '/api/v1/status', { headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '198.51.100.7' }, localAddress: '127.0.0.9' });
    expect(sixth.status).toBe(429);
    const viaV6 = await get('::1', port, '/api/v1/status', { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => null);
    // ::1 reaches a 127.0.0.1 listener on no system; when it does, it is the same loopback.
    if (viaV6 !== null) expect(viaV6.status).toBe(429);
    await daemon.stop();
  });

  it('keeps the supervisor on time while clients ask for a week of a 9 MiB journal over and over', async () => {
    const dir = tempDir();
    const statusDir = join(dir, 'status');
    mkdirSync(statusDir, { recursive: true });
    writeOldJournal(statusDir, 9, 1024 * 1024);
    const { daemon, port } = await startNode({}, dir);
    let isRunning = true;
    let answered = 0;
    let largest = 0;
    const ask = async (): Promise<void> => {
      while (isRunning) {
        const answer = await get('127.0.0.1', port, '/api/v1/events?since=7d&limit=10000', { timeoutMs: 60_000 }).catch(() => null);
        if (answer?.status === 200) {
          answered += 1;
          largest = Math.max(largest, (JSON.parse(answer.text) as { events: unknown[] }).events.length);
        }
      }
    };
    const clients = Array.from({ length: 12 }, () => ask());
    await waitFor('a first week answered', () => answered > 0, 30_000);
    const before = daemon.status()?.gateway.pid as number;
    const killedAtMs = Date.now();
    process.kill(before, 'SIGKILL');
    // restart.initialDelayMs is 1 s: with the loop free the new gateway is up a moment after it.
    const after = await waitFor('the gateway restarted', () => {
      const status = daemon.status();
      return status?.mode === 'healthy' && status.gateway.pid !== before && status;
    }, 8_000).finally(() => {
      isRunning = false;
    });
    const restartMs = Date.now() - killedAtMs;
    await Promise.all(clients);
    expect(after.gateway.restarts).toBe(1);
    expect(largest).toBe(10_000);
    expect(restartMs).toBeLessThan(8_000);
    await daemon.stop();
  }, 60_000);

  it('keeps the supervisor on time while clients ask for the view and the last day of a 4 MiB day of events over and over', async () => {
    const dir = tempDir();
    const statusDir = join(dir, 'status');
    mkdirSync(statusDir, { recursive: true });
    writeOldJournal(statusDir, 1, 4 * 1024 * 1024, 12 * 60 * 60 * 1000);
    const { daemon, port } = await startNode({}, dir);
    let isRunning = true;
    let answered = 0;
    // Kept-alive connections, the way a browser or a scraper asks: each answered request is followed by the next at once.
    const ask = async (path: string): Promise<void> => {
      while (isRunning) {
        const answer = await fetch(`http://127.0.0.1:${port}${path}`).then(async (response) => ({ status: response.status, text: await response.text() })).catch(() => null);
        if (answer?.status === 200) answered += 1;
      }
    };
    const clients = Array.from({ length: 20 }, (_, i) => ask(i % 2 === 0 ? '/api/v1/view' : '/api/v1/events?since=24h&limit=10000'));
    await waitFor('a first answer', () => answered > 0, 30_000);
    const before = daemon.status()?.gateway.pid as number;
    process.kill(before, 'SIGKILL');
    const after = await waitFor('the gateway restarted', () => {
      const status = daemon.status();
      return status?.mode === 'healthy' && status.gateway.pid !== before && status;
    }, 6_000).finally(() => {
      isRunning = false;
    });
    await Promise.all(clients);
    expect(after.gateway.restarts).toBe(1);
    await daemon.stop();
  }, 60_000);

  it.each([
    ['a FIFO', (path: string) => execFileSync('mkfifo', [path])],
    ['a link to /dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
  ])('answers the audit and the view, and goes on supervising, when audit/latest.json is %s (a read would never end)', async (_name, make) => {
    const dir = tempDir();
    const auditDir = join(dir, 'status', 'audit');
    mkdirSync(auditDir, { recursive: true });
    make(join(auditDir, 'latest.json'));
    const { daemon, port } = await startNode({}, dir);
    const audit = await get('127.0.0.1', port, '/api/v1/audit', { timeoutMs: 3_000 });
    expect(audit.status).toBe(404);
    const view = await get('127.0.0.1', port, '/api/v1/view', { timeoutMs: 3_000 });
    expect(view.status).toBe(200);
    expect(JSON.parse(view.text).audit).toBeNull();
    expect((await get('127.0.0.1', port, '/api/v1/status', { timeoutMs: 3_000 })).status).toBe(200);
    await daemon.stop();
  });

  it.skipIf(lanAddress() === undefined)('lets a LAN client in while another address holds every connection it may, slowly', async () => {
    const tokenFile = writeToken(tempDir(), TOKEN);
    const port = await freePort();
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `0.0.0.0:${port}`, tokenFile } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    const lan = lanAddress() as string;
    await waitFor('the listener', async () => (await get(lan, port, '/api/v1/status')).status === 401);
    // Slowloris from loopback: 100 connections, each a header line every second, never a whole request.
    for (let i = 0; i < 100; i += 1) {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      socket.on('connect', () => socket.write('GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      // Reading (and dropping) what comes, so a refusal's close is seen here.
      socket.resume();
      const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 1_000);
      socket.on('close', () => clearInterval(timer));
      sockets.push(socket);
    }
    // The listener keeps 32 (half of its 64) from one address and turns the rest away at once (503, then closed).
    await waitFor('the slow connections held or closed', () => sockets.filter((socket) => socket.destroyed).length >= 100 - 32 && sockets.filter((socket) => !socket.destroyed).length === 32);
    const answer = await get(lan, port, '/api/v1/status', { headers: { authorization: `Bearer ${TOKEN}` }, timeoutMs: 3_000 });
    expect(answer.status).toBe(200);
    await daemon.stop();
  });

  it('drops a client that asks and never reads once nothing has moved for idleTimeoutMs (its answers held in a paused socket)', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const listener = await startHttpListener({
      address: { host: '127.0.0.1', port: 0 },
      secrets: { token: null, tls: null },
      routes: [{ path: '/big', handle: (_request, response) => void response.end(big) }],
      log: pino({ level: 'silent' }),
      listenSetAt: 'test',
      tlsSetAt: 'test',
      sessionTtlMs: 60_000,
      idleTimeoutMs: 500,
    });
    listeners.push(listener);
    const socket = connect({ host: '127.0.0.1', port: listener.address.port });
    sockets.push(socket);
    socket.on('error', () => undefined);
    // Whole requests only, so no request is ever half received (requestTimeout never applies), and not one byte read.
    socket.pause();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(64));
    // A paused socket sees no close: it reads again later, and gets what the kernel held before the drop, not 64 answers.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    let receivedBytes = 0;
    socket.on('data', (chunk: Buffer) => void (receivedBytes += chunk.length));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.resume();
    await closed;
    expect(receivedBytes).toBeLessThan(32 * big.length);
  }, 10_000);

  it('drops a TLS client that never finishes its handshake, after idleTimeoutMs at most (Node waits 120 s)', async () => {
    const tls = { cert: readFileSync(join(FIXTURES, 'tls', 'cert.pem')), key: readFileSync(join(FIXTURES, 'tls', 'key.pem')) };
    const listener = await startHttpListener({ ...listenerOptions([]), secrets: { token: TOKEN, tls }, idleTimeoutMs: 500 });
    listeners.push(listener);
    const socket = connect({ host: '127.0.0.1', port: listener.address.port });
    sockets.push(socket);
    socket.on('error', () => undefined);
    const openedAtMs = Date.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(Date.now() - openedAtMs).toBeLessThan(3_000);
  }, 5_000);

  it('answers a few pipelined requests of one connection at a time: a burst of 500 in one write is cut, not 500 answers held', async () => {
    let handled = 0;
    const big = 'x'.repeat(256 * 1024);
    const listener = await startHttpListener(listenerOptions([{ path: '/big', handle: (_request, response) => { handled += 1; response.end(big); } }]));
    listeners.push(listener);
    const socket = connect({ host: '127.0.0.1', port: listener.address.port });
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.pause();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(500));
    socket.resume();
    let received = 0;
    socket.on('data', (chunk: Buffer) => void (received += chunk.length));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(handled).toBeLessThanOrEqual(2);
    expect(received).toBeGreaterThan(0);
    // A client that does not pipeline is served as before.
    const answer = await get('127.0.0.1', listener.address.port, '/big');
    expect(answer.text.length).toBe(big.length);
  }, 10_000);

  it('tells a client past its address\'s 32 connections why it is turned away (503), instead of a bare reset', async () => {
    const listener = await startHttpListener(listenerOptions([{ path: '/ok', handle: (_request, response) => void response.end('ok') }]));
    listeners.push(listener);
    const port = listener.address.port;
    for (let i = 0; i < 32; i += 1) {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      socket.on('connect', () => socket.write('GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      sockets.push(socket);
    }
    await waitFor('32 connections held', async () => (await get('127.0.0.1', port, '/ok').catch(() => null))?.status === 503, 5_000);
    const refused = await get('127.0.0.1', port, '/ok');
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('too many connections from this address');
    for (const socket of sockets.splice(0)) socket.destroy();
    await waitFor('served again once they close', async () => (await get('127.0.0.1', port, '/ok').catch(() => null))?.status === 200, 5_000);
  }, 15_000);
});

function listenerOptions(routes: Parameters<typeof startHttpListener>[0]['routes']): Parameters<typeof startHttpListener>[0] {
  return { address: { host: '127.0.0.1', port: 0 }, secrets: { token: null, tls: null }, routes, log: pino({ level: 'silent' }), listenSetAt: 'test', tlsSetAt: 'test', sessionTtlMs: 60_000 };
}

/** Rotated journal files (two days old unless `ageMs` says), `count` of `bytes` each: a week's query reads them all. */
function writeOldJournal(statusDir: string, count: number, bytes: number, ageMs = 2 * 24 * 60 * 60 * 1000): void {
  const startMs = Date.now() - ageMs;
  let seq = 1;
  for (let index = count; index >= 1; index -= 1) {
    const lines: string[] = [];
    let size = 0;
    while (size < bytes) {
      const line = `${JSON.stringify({ seq, at: new Date(startMs + seq * 10).toISOString(), type: 'gateway-exited', exitCode: 1, class: 'crash', reason: 'a reason of some length, like the real ones', evidence: ['one line of output', 'another'] })}\n`;
      lines.push(line);
      size += line.length;
      seq += 1;
    }
    writeFileSync(join(statusDir, `events.ndjson.${index}`), lines.join(''));
  }
}
