import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeRaw, requestControl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';

const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };
const REQUEST_TIMEOUT_MS = 1_000;

afterEach(cleanupDaemons);

async function startQuickDaemon(maxClients = 32): Promise<Daemon> {
  const daemon = startDaemon({ config: { gateway: forever, control: { maxClients, requestTimeoutMs: REQUEST_TIMEOUT_MS } } });
  await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
  return daemon;
}

function openIdle(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath, () => resolve(socket));
    socket.on('error', reject);
  });
}

async function expectStillServing(daemon: Daemon): Promise<void> {
  const reply = await requestControl(daemon.socketPath, 'status');
  expect(reply).toMatchObject({ v: 1, id: 1, ok: true, result: { mode: 'healthy', daemon: { pid: daemon.pid } } });
  expect(daemon.logs().filter((r) => r.level === 'error')).toEqual([]);
}

describe('control protocol: bad requests get an error reply and change nothing', () => {
  it('answers each bad line on a connection with its code, and then serves a good one on the same connection', async () => {
    const daemon = await startQuickDaemon();
    const lines = [
      '{"v":1,"id":1,',
      '[]',
      '{"v":2,"id":2,"method":"status"}',
      '{"v":1,"id":3,"method":"reboot"}',
      '{"v":1,"id":4,"method":"logs","params":{"n":-1}}',
      '{"v":1,"id":5,"method":"status"}',
    ];
    const { replies } = await exchangeRaw(daemon.socketPath, `${lines.join('\n')}\n`, { expectReplies: lines.length });
    expect(replies.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['malformed-json', 'bad-request', 'unsupported-version', 'unknown-method', 'bad-params', 'ok']);
    expect(replies.map((r) => r.id)).toEqual([null, null, 2, 3, 4, 5]);
    expect(replies.every((r) => r.v === 1)).toBe(true);
    await expectStillServing(daemon);
  });

  it.each([
    ['a line over 64 KiB with no newline', 'x'.repeat(70_000)],
    ['a line over 64 KiB with its newline', `{"v":1,"id":1,"method":"status","params":{"pad":"${'x'.repeat(70_000)}"}}\n`],
  ])('refuses %s with request-too-large and closes', async (_what, payload) => {
    const daemon = await startQuickDaemon();
    const exchange = await exchangeRaw(daemon.socketPath, payload);
    expect(exchange.replies).toEqual([{ v: 1, id: null, ok: false, error: { code: 'request-too-large', message: expect.stringContaining('65536') } }]);
    expect(exchange.isClosed).toBe(true);
    await expectStillServing(daemon);
  });

  it.each([
    ['says nothing', '', /no request within 1000 ms/],
    ['sends half a request and stalls', '{"v":1,"id":1,"meth', /no complete request line within 1000 ms/],
  ])('times out a client that %s', async (_what, payload, message) => {
    const daemon = await startQuickDaemon();
    const exchange = await exchangeRaw(daemon.socketPath, payload, { timeoutMs: 20_000 });
    expect(exchange.replies).toEqual([{ v: 1, id: null, ok: false, error: { code: 'request-timeout', message: expect.stringMatching(message) } }]);
    expect(exchange.isClosed).toBe(true);
    await expectStillServing(daemon);
  });

  it('answers incomplete-request to a client that ends its side mid-request, and shrugs off one that vanishes', async () => {
    const daemon = await startQuickDaemon();
    const halfClosed = await exchangeRaw(daemon.socketPath, '{"v":1,"id":1,"method":"sta', { halfClose: true });
    expect(halfClosed.replies).toMatchObject([{ ok: false, error: { code: 'incomplete-request' } }]);

    for (let i = 0; i < 20; i += 1) {
      const socket = await openIdle(daemon.socketPath);
      socket.write('{"v":1,"id":1,"method":"status"');
      socket.destroy();
      const answered = await openIdle(daemon.socketPath);
      answered.write('{"v":1,"id":2,"method":"status"}\n');
      answered.destroy();
    }
    await expectStillServing(daemon);
  });

  it('tells a client over control.maxClients to come back later, and serves again once a slot frees', async () => {
    const daemon = await startQuickDaemon(3);
    const idle = await Promise.all([0, 1, 2].map(() => openIdle(daemon.socketPath)));
    // The daemon counts a client once it has accepted it: wait until a fourth is refused.
    const refused = await waitFor('a refusal', async () => {
      const exchange = await exchangeRaw(daemon.socketPath, '{"v":1,"id":1,"method":"status"}\n', { expectReplies: 1 });
      return exchange.replies[0]?.ok === false ? exchange : undefined;
    });
    expect(refused.replies[0]).toMatchObject({ id: null, ok: false, error: { code: 'too-many-clients', message: expect.stringMatching(/3 clients/) } });
    idle[0]?.destroy();
    await waitFor('a free slot', async () => (await requestControl(daemon.socketPath, 'status')).ok === true);
    for (const socket of idle) socket.destroy();
    await waitFor('every slot free', async () => (await requestControl(daemon.socketPath, 'status')).ok === true);
    await expectStillServing(daemon);
  });

  it('answers config-check and logs over the socket', async () => {
    const daemon = await startQuickDaemon();
    expect(await requestControl(daemon.socketPath, 'config-check')).toMatchObject({ ok: true, result: { ok: true, configPath: daemon.configPath, errors: [] } });
    const logs = await waitFor('the gateway\'s first line', async () => {
      const reply = await requestControl(daemon.socketPath, 'logs', { n: 5 });
      return reply.result.lines.length > 0 ? reply : undefined;
    });
    expect(logs.result.lines).toEqual([expect.stringMatching(/^ready \d+$/)]);
  });
});
