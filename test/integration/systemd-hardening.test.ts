// The hardening units/clawsupd.service keeps is really applied by systemd 252, and leaves the gateway working: found as
// `openclaw` on the PATH install builds (through its stable link to an nvm-style version folder), it boots, writes
// its state under its ~/.openclaw and its log under /tmp where operators see it, with sudo still possible.
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTemplates } from '../../src/install/install-facts.js';
import { renderEnvFile, renderSystemUnit } from '../../src/install/render-service.js';
import { buildServicePath } from '../../src/install/service-path.js';
import { copyPackageForOthers, makeWorldReadableDir, NOBODY, type PackageCopy } from '../helpers/for-other-users.js';
import { bootSystemd, canBootSystemd, type SystemdNamespace } from '../helpers/systemd-namespace.js';

const support = canBootSystemd();
if (!support.ok) console.warn(`skipping the hardening tests under real systemd: ${support.why}`);

const UNIT = 'clawsupd.service';
const WAIT_MS = 20_000;
// Capability numbers (linux/capability.h): the two the unit drops, and the two sudo needs to become root.
const CAP = { SETGID: 6, SETUID: 7, SYS_MODULE: 16, SYS_BOOT: 22 };

interface GatewayState {
  pid: number;
  execPath: string;
  path: string;
  noNewPrivs: string;
  capBnd: string;
  canReadProcNetTcp: boolean;
  setuidProbeEuid: string | null;
}

describe.skipIf(!support.ok)('units/clawsupd.service hardening under systemd 252, run as nobody', () => {
  let ns: SystemdNamespace;
  let temp: { path: string; remove(): void };
  let stateFile: string;
  let logDir: string;
  let link: string;
  let versionBin: string;
  let pkg: PackageCopy;

  beforeAll(async () => {
    temp = makeWorldReadableDir('cs-harden-');
    // nobody runs clawsupd, node and the gateway fixture: from a copy it can reach wherever the checkout is.
    pkg = copyPackageForOthers(join(temp.path, 'pkg'));
    const lib = join(temp.path, 'lib');
    const etc = join(temp.path, 'etc');
    const home = join(temp.path, 'home/claw');
    for (const dir of [lib, etc, home]) mkdirSync(dir, { recursive: true, mode: 0o755 });
    // The gateway's user owns its home, as on a node: its ~/.openclaw is made there by the gateway itself.
    chownSync(home, NOBODY, NOBODY);
    symlinkSync(pkg.node, join(lib, 'node'));
    symlinkSync(pkg.clawsupd, join(lib, 'clawsupd.js'));
    // Node and openclaw as nvm lays them out: one folder per version, openclaw a link as npm makes it.
    versionBin = join(temp.path, 'nvm/versions/node/v24.21.0/bin');
    mkdirSync(versionBin, { recursive: true, mode: 0o755 });
    symlinkSync(pkg.node, join(versionBin, 'node'));
    symlinkSync(join(pkg.fixtures, 'stateful-gateway.mjs'), join(versionBin, 'openclaw'));
    link = join(lib, 'gateway-bin');
    const servicePath = buildServicePath({
      platform: 'linux',
      home,
      installerPath: [join(temp.path, '.cargo/bin'), versionBin, '/usr/bin', '/bin'],
      openclaw: { dir: versionBin, realDir: realpathSync(versionBin) },
      node: { dir: versionBin, realDir: realpathSync(versionBin) },
      stableLinkPath: link,
    });
    expect(servicePath.stableLink).toEqual({ path: link, target: realpathSync(versionBin) });
    symlinkSync(realpathSync(versionBin), link);
    writeFileSync(join(etc, 'clawsupd.env'), renderEnvFile(servicePath.entries.join(':')), { mode: 0o600 });
    // Under /tmp on the host: with no PrivateTmp= the gateway's log lands where an operator looks for it.
    logDir = join('/tmp', `clawsup-hardening-openclaw-${process.pid}`);
    stateFile = join(home, '.openclaw/gateway-state.json');
    // What sudo relies on: a setuid-root program run by the gateway's user gets euid 0 (no no_new_privs, no nosuid).
    const setuidId = join(temp.path, 'setuid-id');
    copyFileSync('/usr/bin/id', setuidId);
    chmodSync(setuidId, 0o4755);
    const config = {
      gateway: { command: ['openclaw', 'gateway', 'run', '--log-dir', logDir, '--setuid-probe', setuidId], env: { HOME: home }, stopTimeoutMs: 5_000 },
      health: { enabled: false },
    };
    writeFileSync(join(etc, 'clawsup.json5'), JSON.stringify(config, null, 2), { mode: 0o644 });
    const unitDir = join(temp.path, 'units');
    mkdirSync(join(unitDir, `${UNIT}.d`), { recursive: true });
    const log = join(temp.path, 'clawsupd.log');
    writeFileSync(join(unitDir, `${UNIT}.d`, 'test.conf'), `[Service]\nRestartSec=1s\nStandardOutput=append:${log}\nStandardError=append:${log}\n`);
    const unit = renderSystemUnit(readTemplates().systemUnit, { libDir: lib, configFile: join(etc, 'clawsup.json5'), envFile: join(etc, 'clawsupd.env') }, 'nobody');
    ns = await bootSystemd({ unitDir, units: { [UNIT]: unit }, logFile: join(temp.path, 'systemd.log') });
    // StateDirectory= makes /var/lib/clawsup as PID 1 sees it: a tmpfs over /var/lib keeps that off the host.
    const mounted = await ns.exec('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', '/var/lib']);
    if (mounted.code !== 0) throw new Error(`cannot mount a tmpfs over /var/lib in the namespace: ${mounted.stderr}`);
  }, 60_000);

  afterAll(async () => {
    await ns?.shutdown();
    temp?.remove();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  it('systemd applies each kept directive and none of the ones that break the gateway', async () => {
    const props = await ns.show(UNIT, [
      'ProtectControlGroups',
      'PrivateIPC',
      'CapabilityBoundingSet',
      'ProtectHome',
      'PrivateTmp',
      'ProtectSystem',
      'NoNewPrivileges',
      'MemoryDenyWriteExecute',
      'ProcSubset',
      'ProtectProc',
      'RemoveIPC',
      'User',
    ]);
    expect(props).toMatchObject({
      ProtectControlGroups: 'yes',
      PrivateIPC: 'yes',
      ProtectHome: 'no',
      PrivateTmp: 'no',
      ProtectSystem: 'no',
      NoNewPrivileges: 'no',
      MemoryDenyWriteExecute: 'no',
      ProcSubset: 'all',
      ProtectProc: 'default',
      RemoveIPC: 'no',
      User: 'nobody',
    });
    const caps = (props['CapabilityBoundingSet'] ?? '').split(' ');
    expect(caps).not.toContain('cap_sys_module');
    expect(caps).not.toContain('cap_sys_boot');
    expect(caps).toEqual(expect.arrayContaining(['cap_setuid', 'cap_setgid', 'cap_net_admin']));
  });

  it('the gateway boots through the stable link, becomes active, writes its state and /tmp log, keeps sudo possible', async () => {
    expect((await ns.systemctl('start', UNIT)).code).toBe(0);
    const active = await ns.waitFor(UNIT, (p) => p['ActiveState'] === 'active' && p['StatusText'] === 'healthy', WAIT_MS);
    await waitUntil(() => existsSync(stateFile), `the gateway's state file ${stateFile}`);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as GatewayState;
    // Its state belongs to its user, under its own ~/.openclaw (no ProtectHome=).
    expect(statSync(stateFile).uid).toBe(NOBODY);
    // `openclaw` and its `#!/usr/bin/env node` were both found through the link, not the version folder itself.
    expect(state.path.split(':')[0]).toBe(link);
    expect(state.path).not.toContain(versionBin);
    expect(state.path).not.toContain('.cargo');
    expect(state.execPath).toBe(realpathSync(pkg.node));
    // The operator's view of /tmp is the gateway's (no PrivateTmp=).
    const logs = readdirSync(logDir).filter((name) => /^openclaw-\d{4}-\d{2}-\d{2}\.log$/.test(name));
    expect(logs).toHaveLength(1);
    expect(readFileSync(join(logDir, logs[0] ?? ''), 'utf8')).toContain(`"msg":"gateway started","pid":${state.pid}`);
    // sudo works only without no_new_privs: setuid is honoured, and the bounding set still holds setuid/setgid.
    expect(state.noNewPrivs).toBe('0');
    expect(state.setuidProbeEuid).toBe('0');
    expect(readNoNewPrivs(await readProcStatus(active['MainPID'] ?? ''))).toBe('0');
    const bounding = BigInt(`0x${state.capBnd}`);
    const has = (bit: number): boolean => (bounding & (1n << BigInt(bit))) !== 0n;
    expect({ setuid: has(CAP.SETUID), setgid: has(CAP.SETGID), sysModule: has(CAP.SYS_MODULE), sysBoot: has(CAP.SYS_BOOT) }).toEqual({
      setuid: true,
      setgid: true,
      sysModule: false,
      sysBoot: false,
    });
    // No ProcSubset=pid: the gateway (and clawsupd's port check) still read /proc/net/tcp.
    expect(state.canReadProcNetTcp).toBe(true);
    // The namespaces the kept lines ask for, as the gateway's process has them (its pid is the namespace's).
    const gatewayPid = String(state.pid);
    // Read-only for root too: a sudo'd tool in the gateway's mount namespace cannot make a cgroup to move into.
    const mkdir = await ns.exec('nsenter', ['-t', gatewayPid, '-m', '--', 'mkdir', '/sys/fs/cgroup/clawsup-escape']);
    expect(mkdir.code).not.toBe(0);
    expect(mkdir.stderr).toContain('Read-only file system');
    const ipc = await ns.exec('readlink', [`/proc/${gatewayPid}/ns/ipc`, '/proc/1/ns/ipc']);
    const [gatewayIpc, initIpc] = ipc.stdout.trim().split('\n');
    expect(gatewayIpc).toMatch(/^ipc:\[\d+\]$/);
    expect(gatewayIpc).not.toBe(initIpc);
    expect((await ns.systemctl('stop', UNIT)).code).toBe(0);
    expect(readFileSync(join(logDir, logs[0] ?? ''), 'utf8')).toContain('"msg":"gateway draining"');
  }, 40_000);

  async function readProcStatus(pid: string): Promise<string> {
    const result = await ns.exec('cat', [`/proc/${pid}/status`]);
    if (result.code !== 0) throw new Error(`cannot read /proc/${pid}/status in the namespace: ${result.stderr}`);
    return result.stdout;
  }
});

function readNoNewPrivs(status: string): string | undefined {
  return /^NoNewPrivs:\s*(\d)$/m.exec(status)?.[1];
}

async function waitUntil(isDone: () => boolean, what: string): Promise<void> {
  const deadlineMs = Date.now() + WAIT_MS;
  while (!isDone()) {
    if (Date.now() > deadlineMs) throw new Error(`${what}: not there within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
