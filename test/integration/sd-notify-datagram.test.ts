import { createRequire } from 'node:module';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSdNotifier } from '../../src/systemd/sd-notify.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// The same addon clawsupd sends with, here as systemd's side: a bound datagram socket.
const { DgramSocket } = createRequire(import.meta.url)('node-unix-socket') as {
  DgramSocket: new () => { bind(path: string): void; close(): void; on(event: 'data', listener: (data: Buffer) => void): void };
};

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function listen(): { path: string; received: string[] } {
  const temp = makeTempDir();
  const path = join(temp.path, 'notify');
  const socket = new DgramSocket();
  socket.bind(path);
  const received: string[] = [];
  socket.on('data', (data) => received.push(data.toString()));
  cleanups.push(() => socket.close(), () => temp.remove());
  return { path, received };
}

describe('createSdNotifier sending datagrams from clawsupd itself', () => {
  it('sends each message as one datagram of KEY=VALUE lines, in order', async () => {
    const systemd = listen();
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: systemd.path }, log: pino({ level: 'silent' }), sendTimeoutMs: 5_000 });
    notifier.send({ STATUS: 'starting' });
    notifier.send({ WATCHDOG: '1' });
    notifier.send({ STATUS: 'healthy\nsecond line', READY: '1' });
    await notifier.drain();
    // A datagram is handed over at once, so nothing waits long enough to be merged (the stand-in test covers that).
    await waitFor('three datagrams', () => systemd.received.length === 3);
    expect(systemd.received).toEqual(['STATUS=starting\n', 'WATCHDOG=1\n', 'STATUS=healthy second line\nREADY=1\n']);
  });

  it('a socket nobody listens on is logged once and never throws', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.remove());
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: join(temp.path, 'nobody') }, log, sendTimeoutMs: 1_000 });
    notifier.send({ READY: '1' });
    await notifier.drain();
    notifier.send({ WATCHDOG: '1' });
    await notifier.drain();
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['cannot notify systemd']);
  });

  it('an abstract NOTIFY_SOCKET falls back to systemd-notify and says at once that the unit then needs NotifyAccess=all', () => {
    const lines: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: '@clawsup-test-abstract' }, log, sendTimeoutMs: 1_000 });
    expect(notifier.isEnabled).toBe(true);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ notifySocket: '@clawsup-test-abstract', msg: expect.stringContaining('needs NotifyAccess=all') });
  });
});
