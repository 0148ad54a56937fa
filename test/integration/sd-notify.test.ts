import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSdNotifier } from '../../src/systemd/sd-notify.js';
import { FIXTURES } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

function readSent(file: string): Array<{ args: string[]; socket: string }> {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

describe('createSdNotifier with a stand-in systemd-notify', () => {
  it('sends one message at a time and coalesces what arrives meanwhile', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const file = join(temp.path, 'sent.jsonl');
    const notifier = createSdNotifier({
      env: { NOTIFY_SOCKET: '/run/test-notify', PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: 'must-not-leak' },
      log: pino({ level: 'silent' }),
      sendTimeoutMs: 10_000,
      command: [process.execPath, join(FIXTURES, 'fake-systemd-notify.mjs'), file],
    });
    notifier.send({ STATUS: 'starting' });
    notifier.send({ WATCHDOG: '1' });
    notifier.send({ STATUS: 'healthy', READY: '1' });
    notifier.send({ WATCHDOG: '1' });
    await notifier.drain();
    const sent = readSent(file);
    expect(sent.map((message) => message.args)).toEqual([['STATUS=starting'], ['WATCHDOG=1', 'STATUS=healthy', 'READY=1']]);
    expect(sent.every((message) => message.socket === '/run/test-notify')).toBe(true);
  });

  it('a missing systemd-notify is logged once and never throws', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: '/run/x' }, log, sendTimeoutMs: 1_000, command: ['/nonexistent/systemd-notify'] });
    notifier.send({ READY: '1' });
    await notifier.drain();
    notifier.send({ WATCHDOG: '1' });
    await notifier.drain();
    expect(lines.filter((line) => JSON.parse(line).msg === 'cannot notify systemd')).toHaveLength(1);
  });
});
