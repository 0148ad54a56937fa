import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestControl, runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { subscribe, type Subscriber } from '../helpers/subscriber.js';
import { waitFor } from '../helpers/wait-for.js';

const sayOnSignal = { command: [process.execPath, join(FIXTURES, 'say-on-signal.mjs')] };
const REQUEST_TIMEOUT_MS = 500;
const opened: Subscriber[] = [];

afterEach(async () => {
  for (const subscriber of opened.splice(0)) subscriber.close();
  await cleanupDaemons();
});

async function startSayingDaemon(config: Record<string, any> = {}): Promise<Daemon> {
  const daemon = startDaemon({ config: { gateway: sayOnSignal, control: { requestTimeoutMs: REQUEST_TIMEOUT_MS, ...config.control }, ...config } });
  await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
  return daemon;
}

/** The gateway's pid once it has printed `ready` (its signal handlers are in place): from the tail or a push. */
async function waitForReadyGateway(subscriber: Subscriber): Promise<number> {
  const isReady = (line: unknown): boolean => typeof line === 'string' && /^ready \d+$/.test(line);
  const found = await subscriber.waitFor('the ready line', (m) => (m.ok === true && (m.result.logs ?? []).some(isReady)) || (m.topic === 'logs' && isReady(m.value.line)));
  const line = found.topic === 'logs' ? found.value.line : found.result.logs.find(isReady);
  return Number(String(line).split(' ')[1]);
}

async function open(daemon: Daemon, params: unknown, options: { isReading?: boolean } = {}): Promise<Subscriber> {
  const subscriber = await subscribe(daemon.socketPath, params, options);
  opened.push(subscriber);
  return subscriber;
}

describe('subscribe: the current value, then one line per change', () => {
  it('answers with the status, then pushes stopping and held after clawctl stop, and outlives the request timeout', async () => {
    const daemon = await startSayingDaemon();
    const subscriber = await open(daemon, { topics: ['status'] });
    const first = await subscriber.waitFor('the first reply', (m) => m.ok === true);
    expect(first).toMatchObject({ v: 1, id: 1, ok: true, result: { topics: ['status'], status: { mode: 'healthy', daemon: { pid: daemon.pid } } } });
    expect(first.result).not.toHaveProperty('logs');
    // Longer than control.requestTimeoutMs: a subscription is not a slow request.
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS * 3));
    expect(subscriber.isClosed()).toBe(false);
    expect(await runClawctl(['--config', daemon.configPath, 'stop'])).toMatchObject({ code: 0 });
    const held = await subscriber.waitFor('a push of mode held', (m) => m.topic === 'status' && m.value.mode === 'held');
    expect(held).toMatchObject({ v: 1, id: 1, topic: 'status' });
    const modes = subscriber.messages.filter((m) => m.topic === 'status').map((m) => m.value.mode);
    expect(modes).toContain('stopping');
    expect(modes.indexOf('stopping')).toBeLessThan(modes.indexOf('held'));
  });

  it('pushes the status when a part changes its section with no change of state (a skill report)', async () => {
    const daemon = await startSayingDaemon();
    const subscriber = await open(daemon, { topics: ['status'] });
    await subscriber.waitFor('the first reply', (m) => m.ok === true);
    expect(await runClawctl(['--config', daemon.configPath, 'skill', 'report', 'backup', '--status', 'success'])).toMatchObject({ code: 0 });
    const pushed = await subscriber.waitFor('a status with the skill', (m) => m.topic === 'status' && m.value.skills?.backup?.state === 'ok');
    expect(pushed.value.mode).toBe('healthy');
  });

  it('pushes each new gateway line on the logs topic after the tail', async () => {
    const daemon = await startSayingDaemon();
    const subscriber = await open(daemon, { topics: ['logs'], n: 10 });
    const first = await subscriber.waitFor('the first reply', (m) => m.ok === true);
    expect(first.result).toEqual({ topics: ['logs'], logs: expect.any(Array) });
    const gatewayPid = await waitForReadyGateway(subscriber);
    expect(gatewayPid).toBe(daemon.status()?.gateway.pid);
    process.kill(gatewayPid, 'SIGUSR1');
    expect(await subscriber.waitFor('said 1', (m) => m.topic === 'logs' && m.value.line === 'said 1')).toEqual({ v: 1, id: 1, topic: 'logs', value: { line: 'said 1', stream: 'stdout' } });
    process.kill(gatewayPid, 'SIGUSR1');
    await subscriber.waitFor('said 2', (m) => m.topic === 'logs' && m.value.line === 'said 2');
    expect(subscriber.messages.filter((m) => m.topic === 'status')).toEqual([]);
  });

  it("says among the lines when the gateway exits, as clawsup's own line, and goes on with the next gateway's", async () => {
    const daemon = await startSayingDaemon({ restart: { initialDelayMs: 100 } });
    const subscriber = await open(daemon, { topics: ['logs'], n: 0 });
    const firstPid = await waitForReadyGateway(subscriber);
    process.kill(firstPid, 'SIGKILL');
    const exited = await subscriber.waitFor('the exit line', (m) => m.topic === 'logs' && m.value.stream === 'clawsup');
    expect(exited.value.line).toMatch(/^\[clawsup\] gateway exited \(signal SIGKILL, transient: [a-z-]+\) at \d{4}-/);
    await subscriber.waitFor('the next gateway ready', (m) => m.topic === 'logs' && m.value.line !== `ready ${firstPid}` && /^ready \d+$/.test(m.value.line));
  });

  it.each([
    [{}, 'params.topics'],
    [{ topics: [] }, 'params.topics'],
    [{ topics: ['weather'] }, 'params.topics.0'],
    [{ topics: ['logs'], n: -1 }, 'params.n'],
  ])('refuses params %j with bad-params naming %s, and the connection takes requests again', async (params, where) => {
    const daemon = await startSayingDaemon();
    const reply = await requestControl(daemon.socketPath, 'subscribe', params);
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-params', message: expect.stringContaining(where) } });
  });

  it('drops a subscriber that does not read, with a last subscriber-too-slow line, while another subscriber and requests go on', async () => {
    const daemon = await startSayingDaemon({ log: { gatewayLinesPerWindow: 100_000_000 } });
    const slow = await open(daemon, { topics: ['logs'], n: 0 }, { isReading: false });
    const reader = await open(daemon, { topics: ['logs', 'status'], n: 10 });
    process.kill(await waitForReadyGateway(reader), 'SIGUSR2');
    await daemon.waitForLog('the slow subscriber dropped', (r) => r.msg === 'subscriber too slow: dropped', 60_000);
    // The reader kept up, and is still served; so are plain requests.
    expect(reader.isClosed()).toBe(false);
    const before = reader.messages.length;
    await waitFor('more pushes to the reader', () => reader.messages.length > before + 10, 15_000);
    expect(await requestControl(daemon.socketPath, 'status')).toMatchObject({ ok: true, result: { daemon: { pid: daemon.pid } } });
    // Once it reads again, the dropped one finds its queue end with the error line, then the end of the connection.
    const lines: string[] = [];
    let buffer = '';
    slow.socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
    });
    slow.socket.resume();
    await waitFor('the dropped subscriber closed', () => slow.isClosed(), 15_000);
    expect(JSON.parse(lines.at(-1) ?? 'null')).toMatchObject({ v: 1, id: 1, ok: false, error: { code: 'subscriber-too-slow' } });
    expect(daemon.logs().filter((r) => r.level === 'error' || (r.level as unknown) === 50)).toEqual([]);
  }, 90_000);

  it('counts subscribers toward control.maxClients, and frees the place when one leaves', async () => {
    const daemon = await startSayingDaemon({ control: { maxClients: 2 } });
    const one = await open(daemon, { topics: ['status'] });
    const two = await open(daemon, { topics: ['logs'] });
    await one.waitFor('first reply', (m) => m.ok === true);
    await two.waitFor('first reply', (m) => m.ok === true);
    expect(await requestControl(daemon.socketPath, 'status')).toMatchObject({ ok: false, error: { code: 'too-many-clients' } });
    two.close();
    await waitFor('a place free again', async () => (await requestControl(daemon.socketPath, 'status')).ok === true, 5_000);
    expect(one.isClosed()).toBe(false);
  });

  it('ignores what a client sends after subscribing, and ends when the client half-closes', async () => {
    const daemon = await startSayingDaemon();
    const subscriber = await open(daemon, { topics: ['status'] });
    await subscriber.waitFor('first reply', (m) => m.ok === true);
    subscriber.socket.write('{"v":1,"id":2,"method":"status"}\n');
    subscriber.socket.end();
    await waitFor('the daemon closes the subscription', () => subscriber.isClosed(), 5_000);
    expect(subscriber.messages.filter((m) => m.id === 2)).toEqual([]);
  });
});
