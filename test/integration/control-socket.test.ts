import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statusSchema } from '../../src/status/status-schema.js';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { isAlive } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const forever = { command: [node, join(FIXTURES, 'forever.mjs')] };

afterEach(cleanupDaemons);

function clawctl(daemon: Daemon, ...args: string[]) {
  return runClawctl(['--config', daemon.configPath, ...args]);
}

function expectOneErrorLine(stderr: string, pattern: RegExp): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('clawctl with a live daemon', () => {
  it('reports status, holds and releases the gateway, restarts it, and refuses what does not fit the mode', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    const first = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');

    const human = await clawctl(daemon, 'status');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^mode: healthy since /);
    expect(human.stdout).toContain(`gateway: pid ${first.gateway.pid}, up `);

    const asJson = await clawctl(daemon, 'status', '--json');
    expect(asJson.code).toBe(0);
    const live = statusSchema.parse(JSON.parse(asJson.stdout));
    expect(live).toMatchObject({ mode: 'healthy', gateway: { pid: first.gateway.pid }, daemon: { pid: daemon.pid } });
    const { updatedAt: _a, ...liveRest } = JSON.parse(asJson.stdout);
    const { updatedAt: _b, ...fileRest } = daemon.status() ?? {};
    expect(liveRest).toEqual(fileRest);

    const resume = await clawctl(daemon, 'resume');
    expect(resume.code).toBe(75);
    expectOneErrorLine(resume.stderr, /not in diagnose mode \(mode healthy\).*\(not-in-diagnose\)/);
    const start = await clawctl(daemon, 'start');
    expect(start.code).toBe(75);
    expectOneErrorLine(start.stderr, /not held by stop.*\(not-held\)/);

    const stop = await clawctl(daemon, 'stop');
    expect(stop.code).toBe(0);
    const held = await daemon.waitForStatus('held', (s) => s.mode === 'held');
    expect(held.reasons).toEqual(['held-by-operator']);
    expect(isAlive(first.gateway.pid)).toBe(false);
    const heldStatus = await clawctl(daemon, 'status');
    expect(heldStatus.code).toBe(1);
    expect(heldStatus.stdout).toMatch(/^mode: held /);
    expect((await clawctl(daemon, 'stop')).code).toBe(0);
    expect(daemon.status()?.mode).toBe('held');

    expect((await clawctl(daemon, 'start')).code).toBe(0);
    const released = await daemon.waitForStatus('healthy again', (s) => s.mode === 'healthy' && s.gateway.pid !== null);
    expect(released.gateway.pid).not.toBe(first.gateway.pid);

    const restart = await clawctl(daemon, 'restart');
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/restart requested/);
    const restarted = await daemon.waitForStatus('restarted', (s) => s.mode === 'healthy' && s.gateway.pid !== null && s.gateway.pid !== released.gateway.pid);
    expect(restarted.gateway.restarts).toBe(released.gateway.restarts + 1);

    const logs = await waitFor('the new gateway\'s first line', async () => {
      const result = await clawctl(daemon, 'logs', '-n', '3');
      return result.stdout.endsWith(`ready ${restarted.gateway.pid}\n`) ? result : undefined;
    });
    expect(logs.code).toBe(0);
    // The gateway before the restart stays readable: its last words, then what happened to it.
    expect(logs.stdout.split('\n').slice(0, 2)).toEqual([
      'draining',
      expect.stringMatching(/^\[clawsup\] gateway exited \(code 0, clean: stopped\) at .*; a new gateway starts$/),
    ]);

    const diagnose = await clawctl(daemon, 'diagnose');
    expect(diagnose).toMatchObject({ code: 0, stdout: 'no diagnosis: the gateway has not been in diagnose mode\n' });

    const bySocket = await runClawctl(['--socket', daemon.socketPath, 'status', '--json']);
    expect(bySocket.code).toBe(0);
    expect(JSON.parse(bySocket.stdout).gateway.pid).toBe(restarted.gateway.pid);
    expect(daemon.logs().filter((r) => r.msg === 'operator request').map((r) => r.method)).toEqual(['resume', 'start', 'stop', 'stop', 'start', 'restart']);
  });

  it('answers diagnose outside diagnose mode with the last diagnosis.json, and with none for a FIFO planted there', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const diagnosisPath = join(daemon.statusDir, 'diagnosis.json');
    writeFileSync(diagnosisPath, JSON.stringify({ reason: 'module-not-found', class: 'structural', since: '2026-12-01T00:00:00.000Z' }));
    const last = await clawctl(daemon, 'diagnose', '--json');
    expect(JSON.parse(last.stdout)).toMatchObject({ isCurrent: false, diagnosis: { reason: 'module-not-found' } });
    expect(last.stderr).toBe('');

    // A FIFO with no writer would hold a plain read open for ever: the daemon answers at once, with no diagnosis.
    rmSync(diagnosisPath);
    execFileSync('mkfifo', [diagnosisPath]);
    const fifo = await clawctl(daemon, 'diagnose', '--json');
    expect(JSON.parse(fifo.stdout)).toMatchObject({ isCurrent: false, diagnosis: null });
    // The daemon answered, in time: clawctl did not fall back to reading the file itself.
    expect(fifo.stderr).not.toContain('reading diagnosis.json instead');
  });

  it('exits 2 in diagnose mode, prints the diagnosis, and resume makes one fresh attempt', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'module-not-found.mjs')] } } });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');

    const status = await clawctl(daemon, 'status');
    expect(status.code).toBe(2);
    expect(status.stdout).toMatch(/diagnosis: module-not-found \(structural\), at the first failure \(retrying cannot fix it\), since /);
    expect(status.stdout).toMatch(/hint: .*reinstall openclaw/);

    const diagnose = await clawctl(daemon, 'diagnose');
    expect(diagnose.code).toBe(0);
    expect(diagnose.stdout).toMatch(/^current diagnosis: module-not-found \(structural\)/);
    expect(diagnose.stdout).toMatch(/evidence:\n {2}\| .*(ERR_MODULE_NOT_FOUND|Cannot find module)/);
    const asJson = JSON.parse((await clawctl(daemon, 'diagnose', '--json')).stdout);
    expect(asJson).toMatchObject({ isCurrent: true, diagnosis: { reason: 'module-not-found' } });

    const resume = await clawctl(daemon, 'resume');
    expect(resume.code).toBe(0);
    await daemon.waitForLog('fresh attempt', (r) => r.msg === 'leaving diagnose mode: one fresh attempt');
    const again = await daemon.waitForStatus('diagnose after the fresh attempt', (s) => s.mode === 'diagnose' && s.gateway.lastExit?.at !== asJson.diagnosis.lastExit.at);
    expect(again.diagnosis.reason).toBe('module-not-found');
  });

  it('exits 1 in backoff', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'crash-after.mjs'), '50'] }, restart: { initialDelayMs: 60_000, maxDelayMs: 60_000, minUptimeMs: 10 } },
    });
    await daemon.waitForStatus('backoff', (s) => s.mode === 'backoff');
    const status = await clawctl(daemon, 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^mode: backoff/);
    expect(status.stdout).toMatch(/last exit: code 1, transient: crash/);
    expect(status.stdout).toMatch(/next attempt in \d+s .*, 1 of 3 failures in the window that lead to diagnose/);
  });
});

describe('clawctl with no daemon', () => {
  it('prints status.json with its age and exits 3; the other commands say no daemon answered', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    await daemon.stop();
    expect(existsSync(daemon.socketPath)).toBe(false);

    const human = await clawctl(daemon, 'status');
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/^NOT LIVE: clawsupd did not answer; .*status\.json was written \d+(ms|s) ago/);
    expect(human.stdout).toMatch(/\nmode: stopped since /);
    expectOneErrorLine(human.stderr, /no clawsupd is listening/);

    const asJson = await clawctl(daemon, 'status', '--json');
    expect(asJson.code).toBe(3);
    expect(JSON.parse(asJson.stdout)).toEqual(JSON.parse(readFileSync(join(daemon.statusDir, 'status.json'), 'utf8')));
    expect(asJson.stderr).toMatch(/NOT LIVE: .* written .* ago/);

    for (const command of [['restart'], ['resume'], ['stop'], ['start'], ['logs']]) {
      const result = await clawctl(daemon, ...command);
      expect(result.code, command[0]).toBe(69);
      expectOneErrorLine(result.stderr, /^clawctl: .*no clawsupd is listening/);
    }
    const diagnose = await clawctl(daemon, 'diagnose');
    expect(diagnose.code).toBe(0);
    expect(diagnose.stdout).toContain('no diagnosis');

    const bySocketOnly = await runClawctl(['--socket', daemon.socketPath, 'status']);
    expect(bySocketOnly.code).toBe(3);
    expect(bySocketOnly.stderr).toMatch(/no status.json to fall back on/);
  });

  it('exits 3 when there is no status file either, and 78 for a config it cannot read', async () => {
    const temp = makeTempDir();
    try {
      const configPath = join(temp.path, 'c.json5');
      writeFileSync(configPath, `{ gateway: { command: ['x'] }, control: { socket: './none.sock' }, status: { dir: './status' } }`);
      const result = await runClawctl(['--config', configPath, 'status']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/status\.json: cannot read the last status either \(ENOENT\)/);

      const broken = join(temp.path, 'broken.json5');
      writeFileSync(broken, "{ gateway: { command: ['x'] }, control: { socket: 5 } }");
      const bad = await runClawctl(['--config', broken, 'status']);
      expect(bad.code).toBe(78);
      expectOneErrorLine(bad.stderr, /broken\.json5:1:\d+: control\.socket: expected string/);
    } finally {
      temp.remove();
    }
  });
});

describe('the socket path', () => {
  it('replaces a socket left by a killed daemon', async () => {
    const first = startDaemon({ config: { gateway: forever } });
    const before = await first.waitForStatus('healthy', (s) => s.mode === 'healthy');
    await first.stop('SIGKILL');
    expect(statSync(first.socketPath).isSocket()).toBe(true);

    const second = startDaemon({ config: { gateway: forever }, dir: first.dir });
    const after = await second.waitForStatus('healthy under the new daemon', (s) => s.mode === 'healthy' && s.daemon.pid === second.pid);
    expect(after.gateway.pid).not.toBe(before.gateway.pid);
    const status = await clawctl(second, 'status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).daemon.pid).toBe(second.pid);
    // Both share one folder: the second ends before the first's cleanup removes it.
    await second.stop();
  });

  it('keeps a second daemon out while a live one answers on the socket, and the first goes on', async () => {
    const first = startDaemon({ config: { gateway: forever } });
    await first.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const other = makeTempDir();
    try {
      const second = startDaemon({ config: { gateway: forever, status: { dir: join(other.path, 'status') }, control: { socket: first.socketPath } }, dir: other.path });
      const exit = await second.exited;
      expect(exit.code).toBe(79);
      expectOneErrorLine(second.stderr(), /another clawsupd answers on this control socket/);
      expect(second.logs().some((r) => r.msg === 'gateway started')).toBe(false);
      expect((await clawctl(first, 'status')).code).toBe(0);
    } finally {
      other.remove();
    }
  });

  it.each([
    ['a regular file at the socket path', (dir: string) => writeFileSync(join(dir, 'ctl.sock'), 'not mine'), /exists and is not a socket/],
    [
      'a world-writable folder without the sticky bit',
      (dir: string) => {
        mkdirSync(join(dir, 'open'));
        chmodSync(join(dir, 'open'), 0o777);
      },
      /world-writable without the sticky bit/,
    ],
  ])('refuses to start with %s (exit 73)', async (_what, prepare, message) => {
    const temp = makeTempDir();
    try {
      prepare(temp.path);
      const socket = existsSync(join(temp.path, 'open')) ? join(temp.path, 'open', 'ctl.sock') : join(temp.path, 'ctl.sock');
      const daemon = startDaemon({ config: { gateway: forever, control: { socket } }, dir: temp.path });
      expect((await daemon.exited).code).toBe(73);
      expectOneErrorLine(daemon.stderr(), message);
      if (!socket.includes('open')) expect(readFileSync(socket, 'utf8')).toBe('not mine');
    } finally {
      temp.remove();
    }
  });
});
