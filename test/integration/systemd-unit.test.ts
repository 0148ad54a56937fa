// Runs the real units/clawsupd.service (paths and User= filled in by install's own renderer) under a real systemd.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTemplates } from '../../src/install/install-facts.js';
import { renderSystemUnit } from '../../src/install/render-service.js';
import { CLAWSUPD, FIXTURES, REPO_ROOT } from '../helpers/daemon.js';
import { copyPackageForOthers, makeWorldReadableDir, NOBODY, type PackageCopy } from '../helpers/for-other-users.js';
import { freePort } from '../helpers/free-port.js';
import { bootSystemd, canBootSystemd, type SystemdNamespace } from '../helpers/systemd-namespace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const support = canBootSystemd();
if (!support.ok) console.warn(`skipping the clawsupd.service tests under real systemd: ${support.why}`);

const UNIT = 'clawsupd.service';
const WAIT_MS = 20_000;
const TEST_TIMEOUT_MS = 40_000;
const PROPS = ['ActiveState', 'SubState', 'Result', 'StatusText', 'NRestarts', 'MainPID', 'ExecMainStatus'];

describe.skipIf(!support.ok)('units/clawsupd.service under systemd 252 as PID 1', () => {
  let ns: SystemdNamespace;
  let temp: { path: string; remove(): void };
  let paths: { lib: string; config: string; env: string; hold: string; status: string; log: string; systemdLog: string };
  const marker = `clawsup-unit-gateway-${process.pid}`;

  const writeConfig = (gatewayCommand: string[] | null, health: Record<string, unknown> = { enabled: false }): void => {
    const gateway = gatewayCommand === null ? {} : { command: gatewayCommand, stopTimeoutMs: 5_000 };
    const config = {
      gateway,
      restart: { initialDelayMs: 200, maxDelayMs: 1_000 },
      health,
      status: { dir: paths.status },
      control: { socket: join(temp.path, 'ctl.sock') },
    };
    writeFileSync(paths.config, JSON.stringify(config, null, 2));
  };
  const foreverGateway = (): string[] => [process.execPath, join(FIXTURES, 'forever.mjs'), '--worker', marker];
  const show = (): Promise<Record<string, string>> => ns.show(UNIT, PROPS);

  beforeAll(async () => {
    temp = makeTempDir('cs-unit-');
    const lib = join(temp.path, 'lib');
    paths = {
      lib,
      config: join(temp.path, 'etc', 'clawsup.json5'),
      env: join(temp.path, 'etc', 'clawsupd.env'),
      hold: join(temp.path, 'hold'),
      status: join(temp.path, 'status'),
      log: join(temp.path, 'clawsupd.log'),
      systemdLog: join(temp.path, 'systemd.log'),
    };
    mkdirSync(lib);
    mkdirSync(join(temp.path, 'etc'));
    // The stable "node" link, as a wrapper that can hold clawsupd back before it starts (the READY test).
    writeFileSync(join(lib, 'node'), `#!/bin/sh\nwhile [ -e '${paths.hold}' ]; do sleep 0.05; done\nexec '${process.execPath}' "$@"\n`);
    chmodSync(join(lib, 'node'), 0o755);
    symlinkSync(CLAWSUPD, join(lib, 'clawsupd.js'));
    writeFileSync(paths.env, 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    writeConfig(foreverGateway());
    const unitDir = join(temp.path, 'units');
    mkdirSync(join(unitDir, `${UNIT}.d`), { recursive: true });
    // Test timings only: the unit itself is the shipped one.
    writeFileSync(
      join(unitDir, `${UNIT}.d`, 'test.conf'),
      `[Service]\nWatchdogSec=2s\nRestartSec=1s\nTimeoutAbortSec=5s\nStandardOutput=append:${paths.log}\nStandardError=append:${paths.log}\n`,
    );
    const unit = renderSystemUnit(readTemplates().systemUnit, { libDir: lib, configFile: paths.config, envFile: paths.env }, 'root');
    ns = await bootSystemd({ unitDir, units: { [UNIT]: unit }, logFile: paths.systemdLog });
    await hideHostVarLib(ns);
  }, 60_000);

  afterAll(async () => {
    await ns?.shutdown();
    temp?.remove();
  }, 60_000);

  it('becomes active only once clawsupd has sent READY=1, with the mode as StatusText', async () => {
    writeFileSync(paths.hold, '');
    expect((await ns.systemctl('start', '--no-block', UNIT)).code).toBe(0);
    const held = await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'activating' && p['MainPID'] !== '0', WAIT_MS, PROPS);
    expect(held['StatusText']).toBe('');
    rmSync(paths.hold);
    const active = await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'active', WAIT_MS, PROPS);
    expect(active['StatusText']).toBe('healthy');
    // The datagram can reach systemd before the log line reaches the file: wait for the line, not for the order.
    await waitForCount(() => (readFileSync(paths.log, 'utf8').includes('told systemd clawsupd is ready') ? 1 : 0), 1);
  }, TEST_TIMEOUT_MS);

  it('stays activating, StatusText starting, while a slow gateway boots; active once its startup probe passes', async () => {
    await ns.systemctl('stop', UNIT);
    const port = await freePort();
    const slowDemo = [process.execPath, join(REPO_ROOT, 'dist/demo/demo-gateway.js'), '--port', String(port), '--startup-ms', '4000'];
    writeConfig(slowDemo, { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 500 });
    expect((await ns.systemctl('start', '--no-block', UNIT)).code).toBe(0);
    const booting = await ns.waitFor(UNIT, (p) => p['StatusText'] === 'starting', WAIT_MS, PROPS);
    expect(booting['ActiveState']).toBe('activating');
    const active = await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'active', WAIT_MS, PROPS);
    expect(active['StatusText']).toBe('healthy');
    await ns.systemctl('stop', UNIT);
    writeConfig(foreverGateway());
    await ns.systemctl('start', UNIT);
  }, TEST_TIMEOUT_MS);

  it('StatusText follows the mode: diagnose with its reason, then healthy again', async () => {
    writeConfig([process.execPath, join(FIXTURES, 'exit-with.mjs'), '78', '0', 'Missing config. Run openclaw setup']);
    // In diagnose mode a change to the watched config is the fix clawsupd retries with; healthy first makes it restart.
    await ns.systemctl('restart', UNIT);
    const diagnosed = await ns.waitFor(UNIT, (p) => (p['StatusText'] ?? '').startsWith('diagnose: config-invalid'), WAIT_MS, PROPS);
    expect(diagnosed['ActiveState']).toBe('active');
    writeConfig(foreverGateway());
    await ns.waitFor(UNIT, (p) => p['StatusText'] === 'healthy', WAIT_MS, PROPS);
    await waitForCount(() => findGatewayPids(marker).length, 1);
  }, TEST_TIMEOUT_MS);

  it('a stopped clawsupd misses its watchdog pings: Result=watchdog, then Restart= brings it back', async () => {
    const before = await show();
    expect(before['ActiveState']).toBe('active');
    expect((await ns.exec('kill', ['-STOP', before['MainPID'] ?? ''])).code).toBe(0);
    // Result=watchdog lasts only until the restart (RestartSec): a busy machine may poll past it, systemd's log keeps it.
    await waitForCount(() => (readFileSync(paths.systemdLog, 'utf8').includes("clawsupd.service: Failed with result 'watchdog'") ? 1 : 0), 1);
    expect(readFileSync(paths.systemdLog, 'utf8')).toContain('clawsupd.service: Watchdog timeout');
    const after = await ns.waitFor(
      UNIT,
      (p) => p['ActiveState'] === 'active' && Number(p['NRestarts']) >= 1 && p['MainPID'] !== before['MainPID'],
      WAIT_MS,
      PROPS,
    );
    expect(after['StatusText']).toBe('healthy');
    await waitForCount(() => findGatewayPids(marker).length, 1);
  }, TEST_TIMEOUT_MS);

  it('systemctl stop leaves no gateway and no gateway worker behind', async () => {
    const [gatewayPid] = findGatewayPids(marker);
    expect(gatewayPid).toBeDefined();
    await waitForCount(() => Math.min(listChildren(gatewayPid ?? 0).length, 1), 1);
    const workers = listChildren(gatewayPid ?? 0);
    expect((await ns.systemctl('stop', UNIT)).code).toBe(0);
    expect((await show())['ActiveState']).toBe('inactive');
    await waitForCount(() => [gatewayPid ?? 0, ...workers].filter((pid) => existsSync(`/proc/${pid}`)).length, 0);
    expect(findGatewayPids(marker)).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('another process in the unit cannot make it ready: NotifyAccess=main drops its READY=1', async () => {
    const impostorMarker = join(temp.path, 'impostor-ready');
    const port = await freePort();
    // Nothing listens on the port: clawsupd's startup probe waits, so clawsupd itself sends no READY=1.
    writeConfig([process.execPath, join(FIXTURES, 'notify-impostor.mjs'), impostorMarker], {
      enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 200,
    });
    expect((await ns.systemctl('start', '--no-block', UNIT)).code).toBe(0);
    await waitForCount(() => (existsSync(impostorMarker) ? 1 : 0), 1);
    expect(readFileSync(impostorMarker, 'utf8')).toBe('0');
    // systemd read the impostor's message and said why it dropped it: the unit is still clawsupd's to make ready.
    await waitForCount(() => (readFileSync(paths.systemdLog, 'utf8').includes('but reception only permitted for main PID') ? 1 : 0), 1);
    const props = await show();
    expect(props['ActiveState']).toBe('activating');
    expect(props['StatusText']).toBe('starting');
    await ns.systemctl('stop', UNIT);
    rmSync(impostorMarker);
  }, TEST_TIMEOUT_MS);

  it("another process's WATCHDOG=1 pings do not keep a stopped clawsupd alive", async () => {
    const impostorMarker = join(temp.path, 'impostor-watchdog');
    writeConfig([process.execPath, join(FIXTURES, 'notify-impostor.mjs'), impostorMarker]);
    const logBefore = readFileSync(paths.systemdLog, 'utf8').length;
    await ns.systemctl('start', UNIT);
    const active = await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'active' && p['StatusText'] === 'healthy', WAIT_MS, PROPS);
    await waitForCount(() => (existsSync(impostorMarker) ? 1 : 0), 1);
    expect((await ns.exec('kill', ['-STOP', active['MainPID'] ?? ''])).code).toBe(0);
    // The impostor pings every 200 ms all along (WatchdogSec=2 in the test drop-in): only clawsupd's pings count.
    const newLog = (): string => readFileSync(paths.systemdLog, 'utf8').slice(logBefore);
    await waitForCount(() => (newLog().includes("clawsupd.service: Failed with result 'watchdog'") ? 1 : 0), 1);
    expect(newLog()).toContain('clawsupd.service: Watchdog timeout');
    await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'active' && p['MainPID'] !== active['MainPID'], WAIT_MS, PROPS);
    await ns.systemctl('stop', UNIT);
    rmSync(impostorMarker, { force: true });
  }, TEST_TIMEOUT_MS);

  it('an invalid clawsupd config (exit 78) is not restarted', async () => {
    writeConfig(null);
    await ns.systemctl('start', UNIT);
    // With a restart scheduled the unit would sit in activating/auto-restart; failed means none was.
    const failed = await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'failed', WAIT_MS, PROPS);
    expect(failed['ExecMainStatus']).toBe('78');
    expect(failed['SubState']).toBe('failed');
  }, TEST_TIMEOUT_MS);
});

/** Host pids of the fixture gateway (its argv carries the marker). */
function findGatewayPids(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function listChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((child) => child.trim() !== '').map(Number);
  } catch {
    return [];
  }
}

async function waitForCount(count: () => number, expected: number): Promise<void> {
  const deadlineMs = Date.now() + WAIT_MS;
  while (count() !== expected) {
    if (Date.now() > deadlineMs) throw new Error(`expected ${expected}, found ${count()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** StateDirectory= makes /var/lib/clawsup as PID 1 sees it: a tmpfs over /var/lib keeps that off the host. */
async function hideHostVarLib(ns: SystemdNamespace): Promise<void> {
  const mounted = await ns.exec('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', '/var/lib']);
  if (mounted.code !== 0) throw new Error(`cannot mount a tmpfs over /var/lib in the namespace: ${mounted.stderr}`);
}

describe.skipIf(!support.ok)('a system install under systemd 252: system paths, found by clawctl without flags', () => {
  let ns: SystemdNamespace;
  let temp: { path: string; remove(): void };
  let pkg: PackageCopy;
  const marker = `clawsup-system-paths-gateway-${process.pid}`;

  beforeAll(async () => {
    // The service runs as nobody, as `install --system --run-as gmk` would run it as gmk: it must read all of this,
    // clawsupd, node, clawctl and the gateway fixture included, so they are a copy it can reach wherever the checkout is.
    temp = makeWorldReadableDir('cs-sys-');
    pkg = copyPackageForOthers(join(temp.path, 'pkg'));
    const lib = join(temp.path, 'lib');
    const etc = join(temp.path, 'etc');
    mkdirSync(lib, { mode: 0o755 });
    mkdirSync(etc, { mode: 0o755 });
    symlinkSync(pkg.node, join(lib, 'node'));
    symlinkSync(pkg.clawsupd, join(lib, 'clawsupd.js'));
    writeFileSync(join(etc, 'clawsupd.env'), 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    // No control.socket, no status.dir: the system unit's CLAWSUP_SCOPE=system gives /run/clawsup and /var/lib/clawsup.
    const config = { gateway: { command: [pkg.node, join(pkg.fixtures, 'forever.mjs'), '--worker', marker], stopTimeoutMs: 5_000 }, health: { enabled: false } };
    writeFileSync(join(etc, 'clawsup.json5'), JSON.stringify(config, null, 2), { mode: 0o644 });
    const unitDir = join(temp.path, 'units');
    mkdirSync(join(unitDir, `${UNIT}.d`), { recursive: true });
    const log = join(temp.path, 'clawsupd.log');
    writeFileSync(join(unitDir, `${UNIT}.d`, 'test.conf'), `[Service]\nRestartSec=1s\nStandardOutput=append:${log}\nStandardError=append:${log}\n`);
    const unit = renderSystemUnit(readTemplates().systemUnit, { libDir: lib, configFile: join(etc, 'clawsup.json5'), envFile: join(etc, 'clawsupd.env') }, 'nobody');
    ns = await bootSystemd({ unitDir, units: { [UNIT]: unit }, logFile: join(temp.path, 'systemd.log') });
    await hideHostVarLib(ns);
  }, 60_000);

  afterAll(async () => {
    await ns?.shutdown();
    temp?.remove();
  }, 60_000);

  it("gets /var/lib/clawsup and /run/clawsup, owned by the run-as user, and root's `clawctl status` finds the daemon with no flags", async () => {
    expect((await ns.systemctl('start', '--no-block', UNIT)).code).toBe(0);
    const isSocket = async (): Promise<boolean> => (await ns.exec('test', ['-S', '/run/clawsup/clawsupd.sock'])).code === 0;
    await waitForAsync(isSocket, 'the control socket at /run/clawsup/clawsupd.sock');
    await waitForAsync(async () => (await ns.exec('test', ['-f', '/var/lib/clawsup/status.json'])).code === 0, 'status.json in /var/lib/clawsup');
    const owners = await ns.exec('stat', ['-c', '%n %U', '/var/lib/clawsup', '/run/clawsup', '/var/lib/clawsup/status.json']);
    expect(owners.stdout.trim().split('\n')).toEqual(['/var/lib/clawsup nobody', '/run/clawsup nobody', '/var/lib/clawsup/status.json nobody']);
    // An empty HOME: root has no config of its own, and nothing tells clawctl where the daemon is.
    const home = join(temp.path, 'root-home');
    mkdirSync(home);
    const status = await ns.exec('env', [`HOME=${home}`, pkg.node, pkg.clawctl, 'status']);
    expect(status.stdout + status.stderr).not.toContain('/root/.clawsup');
    expect([0, 1]).toContain(status.code);
    expect(status.stdout).toMatch(/healthy|starting/);
    // Not root either: the service's own user, with no config it could read, reaches the same socket.
    const asUser = await ns.exec('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'env', `HOME=${home}`, pkg.node, pkg.clawctl, 'status']);
    expect([0, 1], asUser.stderr).toContain(asUser.code);
    // A stop removes the runtime folder (RuntimeDirectoryPreserve=restart keeps it only across restarts).
    expect((await ns.systemctl('restart', UNIT)).code).toBe(0);
    await waitForAsync(isSocket, 'the control socket after a restart');
    expect((await ns.systemctl('stop', UNIT)).code).toBe(0);
    expect((await ns.exec('test', ['-e', '/run/clawsup'])).code).not.toBe(0);
    expect(findGatewayPids(marker)).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

async function waitForAsync(isDone: () => Promise<boolean>, what: string): Promise<void> {
  const deadlineMs = Date.now() + WAIT_MS;
  while (!(await isDone())) {
    if (Date.now() > deadlineMs) throw new Error(`${what}: not there within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
