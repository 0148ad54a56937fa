import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogDestination } from '../../src/daemon/log-destination.js';
import { createLogger, readLogWriteState, watchLogWriteState } from '../../src/daemon/logger.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// /dev/full fails every write with ENOSPC: a full disk without a mount.
const hasDevFull = existsSync('/dev/full');
const temp = makeTempDir('cs-logdest-');
afterAll(() => temp.remove());

function recordEvents() {
  const events: string[] = [];
  return {
    events,
    handlers: {
      onFailing: (error: string) => events.push(`failing ${error}`),
      onResumed: (droppedLines: number, lastError: string) => events.push(`resumed ${droppedLines} ${lastError}`),
      onReopenFailed: (error: string) => events.push(`reopen-failed ${error}`),
    },
  };
}

function flushed(destination: { flush(callback: () => void): void }): Promise<void> {
  return new Promise((resolve) => destination.flush(resolve));
}

describe.skipIf(!hasDevFull)('the log destination on a device that is full', () => {
  it('drops and counts every line, says so once, and flush still returns', async () => {
    const { events, handlers } = recordEvents();
    const destination = createLogDestination({ fd: openSync('/dev/full', 'a'), file: null }, handlers);
    for (let i = 0; i < 50; i += 1) destination.write(`{"n":${i}}\n`);
    await flushed(destination);
    expect(destination.readState()).toEqual({ droppedLines: 50, lastError: expect.stringMatching(/^ENOSPC: /), isFailing: true });
    expect(events).toEqual([expect.stringMatching(/^failing ENOSPC: /)]);
    // The exit flush makes one try and gives up: pino's own retried ENOSPC every 100 ms for ever.
    // The first of these goes out at once (async); the two queued behind it are the exit flush's to write.
    for (let i = 0; i < 3; i += 1) destination.write(`{"last":${i}}\n`);
    destination.flushSync();
    expect(destination.readState().droppedLines).toBe(52);
  });

  it('after a reopen onto a writable file, the first line written is followed by the count of lines lost', async () => {
    const { events, handlers } = recordEvents();
    const file = join(temp.path, 'reopened.log');
    const destination = createLogDestination({ fd: openSync('/dev/full', 'a'), file }, handlers);
    destination.write('{"lost":1}\n');
    destination.write('{"lost":2}\n');
    await flushed(destination);
    destination.reopen();
    await waitFor('the new file opened', () => existsSync(file), 5_000);
    destination.write('{"kept":1}\n');
    await waitFor('resumed', () => events.some((event) => event.startsWith('resumed')), 5_000);
    expect(events).toEqual([expect.stringMatching(/^failing ENOSPC/), expect.stringMatching(/^resumed 2 ENOSPC/)]);
    expect(destination.readState()).toMatchObject({ droppedLines: 2, isFailing: false });
    await flushed(destination);
    expect(readFileSync(file, 'utf8')).toBe('{"kept":1}\n');
  });
});

describe('the log destination on a working file', () => {
  it('writes every line in order, whole, across many writes', async () => {
    const { events, handlers } = recordEvents();
    const file = join(temp.path, 'ordered.log');
    const destination = createLogDestination({ fd: openSync(file, 'a'), file }, handlers);
    const lines = Array.from({ length: 5_000 }, (_, i) => `{"n":${i},"text":"${'é'.repeat(i % 50)}"}\n`);
    for (const line of lines) destination.write(line);
    await flushed(destination);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    expect(events).toEqual([]);
    expect(destination.readState()).toEqual({ droppedLines: 0, lastError: null, isFailing: false });
  });

  it('a reopen that cannot open the new path keeps writing to the old file and says why', async () => {
    const { events, handlers } = recordEvents();
    const file = join(temp.path, 'kept.log');
    const destination = createLogDestination({ fd: openSync(file, 'a'), file: join(temp.path, 'kept.log', 'not-a-folder', 'x.log') }, handlers);
    destination.reopen();
    await waitFor('reopen refused', () => events.length > 0, 5_000);
    expect(events).toEqual([expect.stringMatching(/^reopen-failed (ENOTDIR|EEXIST)/)]);
    destination.write('{"still":"here"}\n');
    await flushed(destination);
    expect(readFileSync(file, 'utf8')).toBe('{"still":"here"}\n');
  });
});

describe.skipIf(!hasDevFull)('the root logger on a full device', () => {
  it('exposes what it dropped for status.json, and tells a watcher when it starts failing', async () => {
    const log = createLogger({ level: 'info', file: '/dev/full' });
    let changes = 0;
    const unwatch = watchLogWriteState(log, () => (changes += 1));
    log.info({ i: 1 }, 'lost');
    log.info({ i: 2 }, 'lost');
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    await waitFor('the watcher told', () => changes === 1, 5_000);
    expect(readLogWriteState(log)).toEqual({ droppedLines: 2, lastError: expect.stringMatching(/^ENOSPC: /), isFailing: true });
    unwatch();
  });

  it('refuses a file it cannot open as a config error naming log.file and where it is set', () => {
    writeFileSync(join(temp.path, 'a-file'), '');
    expect(() => createLogger({ level: 'info', file: join(temp.path, 'a-file', 'x.log'), fileSetAt: '/etc/clawsup/clawsup.json5:7:11' })).toThrow(
      expect.objectContaining({ code: 'CLAWSUP_ERR_CONFIG_INVALID', message: expect.stringMatching(/^\/etc\/clawsup\/clawsup\.json5:7:11: log\.file: cannot open .* for appending: ENOTDIR/) }),
    );
  });
});

describe.skipIf(!hasDevFull)('clawsupd logging to a full device', () => {
  it('exits when asked, with one line on stderr, instead of hanging in the exit flush', async () => {
    // The daemon's own logger, with its exit hook, in a child: the hang was in process exit itself.
    const script = [
      `import { createLogger } from ${JSON.stringify(join(REPO_ROOT, 'dist/daemon/logger.js'))};`,
      "const log = createLogger({ level: 'info', file: '/dev/full' });",
      "for (let i = 0; i < 100; i += 1) log.info({ i }, 'line');",
      'setTimeout(() => { log.info({}, "last"); process.exit(0); }, 50);',
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
      expect(code).toBe(0);
      expect(stderr.match(/log write failed/g)).toHaveLength(1);
      expect(stderr).toContain('ENOSPC');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
