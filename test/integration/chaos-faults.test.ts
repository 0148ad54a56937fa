import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { isAlive } from '../helpers/processes.js';
import { makeTempDir, removeLiveDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const isRoot = process.getuid?.() === 0;
const TMPFS_SIZE = '64k';
// A gateway asking to be restarted every 0.7 s keeps clawsupd changing state, and so writing status.json.
const churningGateway = { command: [node, join(FIXTURES, 'exit-with.mjs'), '0', '700'] };
const churnRestart = { minUptimeMs: 500, initialDelayMs: 100, maxDelayMs: 200, failureLimit: 1_000 };

afterEach(cleanupDaemons);

function expectDaemonAlive(daemon: Daemon): void {
  expect(daemon.child.exitCode).toBeNull();
  expect(daemon.child.signalCode).toBeNull();
  expect(daemon.stderr()).not.toMatch(/internal error|\n\s+at /);
}

describe('chaos: faults around a running gateway', () => {
  it('SIGSTOP then SIGCONT of the gateway: clawsupd keeps supervising the same gateway', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs')] } } });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    process.kill(gateway.pid, 'SIGSTOP');
    try {
      // A stopped child reaches waitpid only with WUNTRACED: clawsupd must not take it for an exit. A reload shows
      // its loop went on meanwhile.
      daemon.child.kill('SIGHUP');
      await daemon.waitForLog('config reloaded while the gateway is stopped', (r) => r.msg === 'config reloaded');
      expect(daemon.logs().some((r) => r.msg === 'gateway exited')).toBe(false);
    } finally {
      process.kill(gateway.pid, 'SIGCONT');
    }
    expect(isAlive(gateway.pid)).toBe(true);
    expect(daemon.status()).toMatchObject({ mode: 'healthy', gateway: { pid: gateway.pid, restarts: 0 } });
    expectDaemonAlive(daemon);
  });

  it('the status dir removed while running: recreated with a whole status.json at the next change', async () => {
    const daemon = startDaemon({ config: { gateway: churningGateway, restart: churnRestart } });
    await daemon.waitForStatus('first restart', (s) => s.gateway.restarts >= 1);
    removeLiveDir(daemon.statusDir);
    const status = await daemon.waitForStatus('status.json back', (s) => s.gateway.restarts >= 3);
    expect(status.daemon.pid).toBe(daemon.pid);
    await daemon.waitForLog('lock claimed again', (r) => r.msg === 'instance lock was removed: claimed it again');
    // The lock went with the folder: a second clawsupd must still be refused, not start a second gateway.
    const second = startDaemon({ config: { gateway: churningGateway, restart: churnRestart, status: { dir: daemon.statusDir } }, dir: daemon.dir });
    expect((await second.exited).code).toBe(79);
    expect(second.stderr()).toContain('already supervises');
    expectDaemonAlive(daemon);
  });

  it('the config made unreadable, then SIGHUP: reload refused with the reason, the gateway left running', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs')] } } });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    // Root reads through any mode bits: there, a folder in the file's place makes it unreadable.
    if (isRoot) {
      renameSync(daemon.configPath, `${daemon.configPath}.moved`);
      mkdirSync(daemon.configPath);
    } else chmodSync(daemon.configPath, 0o000);
    daemon.child.kill('SIGHUP');
    const refused = await daemon.waitForLog('reload refused', (r) => r.msg === 'config reload refused: keeping the running config');
    expect(String(refused.errors)).toContain(`${daemon.configPath}: cannot read config: ${isRoot ? 'is a directory' : 'permission denied'}`);
    expect(daemon.status()).toMatchObject({ mode: 'healthy', gateway: { pid: gateway.pid } });
    expectDaemonAlive(daemon);
  });

  it("the gateway's binary deleted while it runs: diagnose command-not-found at the next start, resumed when it is back", async () => {
    const temp = makeTempDir('cs-bin-');
    const binary = join(temp.path, 'openclaw');
    writeFileSync(binary, `#!/bin/sh\nexec "${node}" "${join(FIXTURES, 'crash-after.mjs')}" 1500\n`);
    chmodSync(binary, 0o755);
    try {
      const daemon = startDaemon({ config: { gateway: { command: [binary, 'gateway'] }, restart: { initialDelayMs: 100, maxDelayMs: 200 } } });
      await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
      copyFileSync(binary, `${binary}.bak`);
      unlinkSync(binary);
      const status = await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
      expect(status.diagnosis).toMatchObject({ reason: 'command-not-found', class: 'structural' });
      expect(status.reasons).toEqual(['command-not-found']);
      expectDaemonAlive(daemon);
      renameSync(`${binary}.bak`, binary);
      await daemon.waitForLog('fresh attempt', (r) => r.msg === 'leaving diagnose mode: one fresh attempt');
      expectDaemonAlive(daemon);
    } finally {
      temp.remove();
    }
  });
});

describe.skipIf(!isRoot)('chaos: a full disk under the status dir (root: a 64 KiB tmpfs)', () => {
  it('reports ENOSPC once, keeps supervising, never leaves a half status.json, and catches up when space is back', async () => {
    const temp = makeTempDir('cs-full-');
    const statusDir = join(temp.path, 'status');
    mkdirSync(statusDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', statusDir]);
    try {
      const daemon = startDaemon({ config: { gateway: churningGateway, restart: churnRestart, status: { dir: statusDir } }, dir: temp.path });
      await daemon.waitForStatus('running', (s) => s.gateway.restarts >= 1);
      const filler = join(statusDir, 'filler');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=64'], { stdio: 'ignore' });
      } catch {
        // dd stops at ENOSPC, which is the point.
      }
      const failure = await daemon.waitForLog('ENOSPC', (r) => r.msg === 'cannot write status.json' && JSON.stringify(r.err).includes('ENOSPC'));
      expect(failure.level).toBe('error');
      const restartsWhileFull = daemon.status()?.gateway.restarts as number;
      await waitFor('restarts go on while the disk is full', () => daemon.logs().filter((r) => r.msg === 'gateway started').length >= restartsWhileFull + 3, 20_000);
      const status = daemon.status();
      expect(status).not.toBeNull();
      expect(readFileSync(join(statusDir, 'status.json'), 'utf8').trim().endsWith('}')).toBe(true);
      unlinkSync(filler);
      await daemon.waitForStatus('status.json current again', (s) => s.gateway.restarts > restartsWhileFull + 3);
      expect(daemon.logs().filter((r) => r.msg === 'cannot write status.json')).toHaveLength(1);
      expectDaemonAlive(daemon);
      await daemon.cleanup();
    } finally {
      execFileSync('umount', ['-l', statusDir]);
      temp.remove();
    }
  });
});
