import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootSystemd, canBootSystemd, type SystemdNamespace } from '../helpers/systemd-namespace.js';

const support = canBootSystemd();
if (!support.ok) console.warn(`skipping systemd namespace tests: ${support.why}`);

const TEST_TIMEOUT_MS = 20_000;
const WAIT_MS = 8_000;

// Each fixture is a bash service that talks to systemd only through the systemd-notify binary,
// a child of the main process: NotifyAccess=all is what a non-root daemon needs for that.
function buildNotifyService(body: string, extra: string[] = []): string {
  return ['[Service]', 'Type=notify', 'NotifyAccess=all', `ExecStart=/bin/bash -c '${body}'`, ...extra, ''].join('\n');
}

describe.skipIf(!support.ok)('systemd as PID 1 in a namespace', () => {
  let ns: SystemdNamespace;
  let dir: string;
  const marker = `clawsup-grandchild-${process.pid}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clawsup-systemd-'));
    ns = await bootSystemd({
      unitDir: join(dir, 'units'),
      logFile: join(dir, 'systemd.log'),
      logLevel: 'debug',
      units: {
        // Stays "activating" until the test creates the go file, so READY=1 is what flips it.
        'ready.service': buildNotifyService(
          `systemd-notify --status="warming up"; while [ ! -e ${dir}/go ]; do sleep 0.02; done; ` +
            'systemd-notify --ready --status="serving 3 gateways"; exec sleep infinity',
        ),
        'watchdog.service': buildNotifyService(
          'systemd-notify --ready; for i in 1 2 3 4 5 6; do systemd-notify WATCHDOG=1; sleep 0.25; done; exec sleep infinity',
          ['WatchdogSec=1', 'Restart=no'],
        ),
        'crash.service': buildNotifyService('systemd-notify --ready; sleep 0.2; exit 3', [
          'Restart=on-failure',
          'RestartSec=100ms',
          'StartLimitIntervalSec=0',
        ]),
        // As root, systemd-notify fakes its parent's PID as sender; as another user it cannot.
        'user-all.service': buildNotifyService('systemd-notify --ready; exec sleep infinity', ['User=nobody']),
        'user-main.service': buildNotifyService('systemd-notify --ready; exec sleep infinity', [
          'User=nobody',
          'NotifyAccess=main',
          'TimeoutStartSec=1',
        ]),
        'tree.service': buildNotifyService(
          `(exec -a ${marker}-cg sleep 1000) & systemd-notify --ready; exec sleep infinity`,
          ['KillMode=control-group'],
        ),
        'tree-process.service': buildNotifyService(
          `(exec -a ${marker}-proc sleep 1000) & systemd-notify --ready; exec sleep infinity`,
          ['KillMode=process'],
        ),
      },
    });
  }, 30_000);

  afterAll(async () => {
    await ns?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('READY=1 turns a Type=notify unit from activating to active', async () => {
    const start = ns.systemctl('start', 'ready.service');
    const before = await ns.waitFor('ready.service', (p) => p['StatusText'] === 'warming up', WAIT_MS);
    expect(before['ActiveState']).toBe('activating');
    await ns.exec('touch', [join(dir, 'go')]);
    expect((await start).code).toBe(0);
    const after = await ns.waitFor('ready.service', (p) => p['ActiveState'] === 'active', WAIT_MS);
    expect(after['SubState']).toBe('running');
  }, TEST_TIMEOUT_MS);

  it('STATUS= text shows in StatusText', async () => {
    const props = await ns.waitFor('ready.service', (p) => p['StatusText'] === 'serving 3 gateways', WAIT_MS);
    expect(props['StatusText']).toBe('serving 3 gateways');
  }, TEST_TIMEOUT_MS);

  it('a unit that stops sending WATCHDOG=1 is killed with Result=watchdog', async () => {
    await ns.systemctl('start', 'watchdog.service');
    const started = await ns.show('watchdog.service', ['ActiveEnterTimestampMonotonic']);
    // Result flips to watchdog while the kill is still in progress (deactivating), so wait for both.
    const isKilled = (p: Record<string, string>): boolean => p['Result'] === 'watchdog' && p['ActiveState'] === 'failed';
    const props = await ns.waitFor('watchdog.service', isKilled, WAIT_MS, [
      'ActiveState',
      'Result',
      'InactiveEnterTimestampMonotonic',
    ]);
    // Pings for 1.5 s against WatchdogSec=1, so it must have outlived one watchdog period.
    const aliveUs = Number(props['InactiveEnterTimestampMonotonic']) - Number(started['ActiveEnterTimestampMonotonic']);
    expect(aliveUs).toBeGreaterThan(1_500_000);
  }, TEST_TIMEOUT_MS);

  it('Restart=on-failure restarts a crashing unit (NRestarts grows)', async () => {
    await ns.systemctl('start', 'crash.service');
    const props = await ns.waitFor('crash.service', (p) => Number(p['NRestarts']) >= 2, WAIT_MS);
    expect(Number(props['NRestarts'])).toBeGreaterThanOrEqual(2);
    await ns.systemctl('stop', 'crash.service');
  }, TEST_TIMEOUT_MS);

  it('as a non-root user, systemd-notify from a child needs NotifyAccess=all', async () => {
    expect((await ns.systemctl('start', 'user-all.service')).code).toBe(0);
    expect((await ns.show('user-all.service'))['ActiveState']).toBe('active');
    expect((await ns.systemctl('start', 'user-main.service')).code).not.toBe(0);
    const props = await ns.waitFor('user-main.service', (p) => p['Result'] === 'timeout', WAIT_MS);
    expect(props['ActiveState']).toBe('failed');
  }, TEST_TIMEOUT_MS);

  it('systemctl stop with KillMode=control-group kills grandchildren', async () => {
    await ns.systemctl('start', 'tree.service');
    await waitForProcessCount(`${marker}-cg`, 1, WAIT_MS);
    const stop = await ns.systemctl('stop', 'tree.service');
    expect(stop.code).toBe(0);
    expect((await ns.show('tree.service'))['ActiveState']).toBe('inactive');
    expect(countProcesses(`${marker}-cg`)).toBe(0);
  }, TEST_TIMEOUT_MS);

  it('systemctl stop with KillMode=process leaves grandchildren (until the namespace dies)', async () => {
    await ns.systemctl('start', 'tree-process.service');
    await waitForProcessCount(`${marker}-proc`, 1, WAIT_MS);
    expect((await ns.systemctl('stop', 'tree-process.service')).code).toBe(0);
    expect((await ns.show('tree-process.service'))['ActiveState']).toBe('inactive');
    expect(countProcesses(`${marker}-proc`)).toBe(1);
  }, TEST_TIMEOUT_MS);
});

describe.skipIf(!support.ok)('systemd namespace lifecycle', () => {
  it('without stub targets, Restart= cannot queue its job (sysinit.target not found)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawsup-systemd-'));
    const ns = await bootSystemd({
      unitDir: join(dir, 'units'),
      shouldStubStandardTargets: false,
      wants: ['crash.service'],
      units: {
        'crash.service': buildNotifyService('systemd-notify --ready; sleep 0.2; exit 3', ['Restart=on-failure', 'RestartSec=100ms']),
      },
    });
    try {
      // Boot pulls it in (missing Requires= of a wanted unit is ignored); the restart job is its own anchor.
      const props = await ns.waitFor('crash.service', (p) => p['ActiveState'] === 'failed', WAIT_MS);
      expect(props['NRestarts']).toBe('0');
      expect((await ns.systemctl('start', 'crash.service')).stderr).toContain('sysinit.target not found');
    } finally {
      await ns.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  }, TEST_TIMEOUT_MS);

  it('shutdown kills every process, removes its cgroup and leaves the host /run alone', async () => {
    const hostRunBefore = readdirSync('/run').sort();
    const privateTmpBefore = listPrivateTmpDirs();
    let ours: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'clawsup-systemd-'));
    const marker = `clawsup-lifecycle-${process.pid}`;
    const ns = await bootSystemd({
      unitDir: join(dir, 'units'),
      wants: ['sleeper.service'],
      units: {
        'sleeper.service': buildNotifyService(`systemd-notify --ready; exec -a ${marker} sleep 1000`, ['PrivateTmp=yes']),
      },
    });
    const pid = ns.pid;
    try {
      await ns.waitFor('sleeper.service', (p) => p['ActiveState'] === 'active', WAIT_MS);
      await waitForProcessCount(marker, 1, WAIT_MS);
      expect(readdirSync('/run').sort()).toEqual(hostRunBefore);
      ours = listPrivateTmpDirs().filter((name) => !privateTmpBefore.includes(name));
      expect(ours.length).toBeGreaterThan(0);
    } finally {
      await ns.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(countProcesses(marker)).toBe(0);
    expect(readdirSync('/run').sort()).toEqual(hostRunBefore);
    expect(ours.filter((name) => existsSync(join(tmpdir(), name)))).toEqual([]);
    expect(listHostCgroups().filter((name) => name.startsWith(`clawsup-test-${process.pid}-`))).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

// Counts host processes whose argv[0] is the marker (`exec -a` sets it), read straight from /proc.
function countProcesses(marker: string): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0];
      if (argv0 === marker) count += 1;
    } catch {
      // Exited while we looked.
    }
  }
  return count;
}

async function waitForProcessCount(marker: string, expected: number, timeoutMs: number): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (countProcesses(marker) !== expected) {
    if (Date.now() >= deadlineMs) throw new Error(`expected ${expected} processes named ${marker}`);
    await setTimeout(25);
  }
}

function listPrivateTmpDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('systemd-private-')).sort();
}

function listHostCgroups(): string[] {
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((line) => line.includes(' - cgroup2 '))
    ?.split(' ')[4];
  return mount === undefined ? [] : readdirSync(mount);
}
